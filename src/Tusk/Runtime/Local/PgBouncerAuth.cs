using Npgsql;
using Tusk.Planning;
using Tusk.Security;

namespace Tusk.Runtime.Local;

/// <summary>
/// What PgBouncer's auth_query needs on the primary: its own login role, and in every database
/// clients may name a SECURITY DEFINER function that returns one role's SCRAM secret. PgBouncer
/// 1.18 runs auth_query in the database the client asked for (auth_dbname came in 1.20), hence
/// one function per database, template1 included so databases created later have it too. The
/// function never returns superusers, replication roles or Tusk's own roles, and only the
/// pooler's role may call it.
/// </summary>
public static class PgBouncerAuth
{
    /// <summary>Where the lookup function must exist: every database the spec names, postgres, and template1 for databases created later.</summary>
    public static IReadOnlyList<string> Databases(ClusterPlan plan) =>
        new[] { "postgres", "template1" }.Concat(plan.Users.SelectMany(u => u.Databases)).Distinct(StringComparer.Ordinal).ToList();

    public static async Task EnsureRoleAsync(NpgsqlConnection connection, string password, CancellationToken cancel)
    {
        var role = UserReconciler.Quote(PgBouncerPlan.AuthUser);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_roles WHERE rolname = $1", connection) { Parameters = { new() { Value = PgBouncerPlan.AuthUser } } })
        {
            if (await exists.ExecuteScalarAsync(cancel) is null)
            {
                await ExecuteAsync(connection, $"CREATE ROLE {role} LOGIN", cancel);
            }
        }

        await ExecuteAsync(connection, $"ALTER ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD '{ScramVerifier.Compute(password)}'", cancel);
    }

    /// <summary>Creates or replaces the lookup function in the database the connection is on.</summary>
    public static Task EnsureFunctionAsync(NpgsqlConnection connection, CancellationToken cancel)
    {
        var (schema, role) = (PgBouncerPlan.AuthSchema, UserReconciler.Quote(PgBouncerPlan.AuthUser));
        return ExecuteAsync(connection, $"""
            CREATE SCHEMA IF NOT EXISTS {schema};
            REVOKE ALL ON SCHEMA {schema} FROM PUBLIC;
            GRANT USAGE ON SCHEMA {schema} TO {role};
            CREATE OR REPLACE FUNCTION {schema}.get_auth(p_username text, OUT username text, OUT password text)
            RETURNS SETOF record LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
                SELECT rolname::text, rolpassword FROM pg_authid
                WHERE rolname = p_username AND rolcanlogin AND NOT rolsuper AND NOT rolreplication AND NOT rolbypassrls
                  AND rolname NOT LIKE 'tusk\_%' AND (rolvaliduntil IS NULL OR rolvaliduntil > now())
            $$;
            REVOKE ALL ON FUNCTION {schema}.get_auth(text) FROM PUBLIC;
            GRANT EXECUTE ON FUNCTION {schema}.get_auth(text) TO {role};
            """, cancel);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancel)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancel);
    }
}
