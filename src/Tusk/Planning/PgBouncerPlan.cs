namespace Tusk.Planning;

/// <summary>The pooler both runtimes run: where it listens, how it pools, and the user's overrides of PgBouncer settings.</summary>
public sealed record PgBouncerPlan(int Port, string PoolMode, int DefaultPoolSize, int MaxClientConn, IReadOnlyDictionary<string, string> Settings)
{
    /// <summary>The role PgBouncer logs in as to look passwords up, and the schema of its lookup function.</summary>
    public const string AuthUser = "tusk_pgbouncer";
    public const string AuthSchema = "pgbouncer";
    public const string AuthQuery = $"SELECT username, password FROM {AuthSchema}.get_auth($1)";
}
