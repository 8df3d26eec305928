using Tusk.Api;
using Tusk.Planning.Backups;

namespace Tusk.Planning;

/// <summary>
/// The desired state both runtimes share, computed from a defaulted spec by <see cref="ClusterPlanner"/>.
/// Runtime adapters add only what is theirs (ports and paths locally, objects on Kubernetes).
/// </summary>
public sealed record ClusterPlan(
    string Name,
    string Namespace,
    int PostgresVersion,
    int Port,
    string Scope,
    IReadOnlyList<MemberPlan> Members,
    PatroniTimings Timings,
    bool SynchronousMode,
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyList<string> UserPgHba,
    IReadOnlyList<UserPlan> Users,
    bool Shutdown,
    PgBouncerPlan? PgBouncer = null,
    bool Exporter = false,
    CustomTlsFiles? CustomTls = null,
    BackupPlan? Backups = null,
    CloneSource? CloneFrom = null)
{
    /// <summary>The superuser Patroni bootstraps; its password is generated like every other.</summary>
    public const string Superuser = "postgres";
    public const string ReplicationUser = "tusk_replication";
    public const string RewindUser = "tusk_rewind";

    /// <summary>The role postgres_exporter logs in as: a member of pg_monitor, nothing more.</summary>
    public const string MonitorUser = "tusk_monitor";
}
