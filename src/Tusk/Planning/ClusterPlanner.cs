using Tusk.Api;

namespace Tusk.Planning;

/// <summary>From a validated, defaulted cluster to its plan. Pure: no I/O, no clock.</summary>
public static class ClusterPlanner
{
    /// <summary>
    /// Settings every Tusk cluster starts from; users may override them. wal_log_hints lets
    /// pg_rewind bring a failed primary back; slots and senders leave room for 9 standbys plus
    /// a base backup in flight.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> BaseParameters = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["wal_level"] = "replica",
        ["hot_standby"] = "on",
        ["wal_log_hints"] = "on",
        ["max_wal_senders"] = "12",
        ["max_replication_slots"] = "12",
        ["wal_keep_size"] = "128MB",
        ["max_connections"] = "100",
        ["password_encryption"] = "scram-sha-256",
        ["ssl_min_protocol_version"] = "TLSv1.2",
        // A standby retries a failed stream every 5 s by default; a new replica's first try
        // usually fails (its slot is not there yet), so retry sooner.
        ["wal_retrieve_retry_interval"] = "500ms",
    };

    public static ClusterPlan Plan(PostgresCluster cluster)
    {
        var spec = cluster.Spec;
        var name = cluster.Metadata.Name!;
        var ns = cluster.Metadata.Namespace ?? ClusterDefaults.Namespace;
        var members = spec.Instances!
            .SelectMany(set => Enumerable.Range(0, set.Replicas!.Value).Select(i => new MemberPlan($"{name}-{set.Name}-{i}", set.Name!, i)))
            .ToList();
        var postgresql = spec.Patroni!.DynamicConfiguration!.Postgresql!;
        var parameters = new Dictionary<string, string>(BaseParameters, StringComparer.Ordinal);
        foreach (var (key, value) in postgresql.Parameters!)
        {
            parameters[key] = value;
        }

        var users = spec.Users!
            .Select(u => new UserPlan(u.Name!, u.Databases!, u.Options!, u.Password!.Type!))
            .ToList();
        return new ClusterPlan(
            name,
            ns,
            spec.PostgresVersion!.Value,
            spec.Port!.Value,
            Scope: $"{ns}-{name}",
            members,
            PatroniTimings.From(spec.Patroni.LeaderLeaseDurationSeconds!.Value, spec.Patroni.SyncPeriodSeconds!.Value),
            spec.Patroni.SynchronousMode!.Value,
            parameters,
            postgresql.PgHba!,
            users,
            spec.Shutdown!.Value,
            spec.Proxy?.PgBouncer is { } b
                ? new PgBouncerPlan(b.Port!.Value, b.PoolMode!, b.DefaultPoolSize!.Value, b.MaxClientConn!.Value, b.Config!.Global!)
                : null,
            Exporter: spec.Monitoring?.Exporter is not null,
            CustomTls: spec.CustomTls is { } tls ? new CustomTlsFiles(tls.Certificate!, tls.PrivateKey!, tls.Ca!) : null);
    }
}
