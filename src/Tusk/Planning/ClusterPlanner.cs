using Tusk.Api;
using Tusk.Planning.Backups;

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
            CustomTls: spec.CustomTls is { } tls ? new CustomTlsFiles(tls.Certificate!, tls.PrivateKey!, tls.Ca!) : null,
            Backups: spec.Backups?.Pgbackrest is { Repos.Count: > 0 } pgbackrest ? PlanBackups(pgbackrest) : null,
            CloneFrom: spec.DataSource?.PostgresCluster is { } source
                ? new CloneSource(source.ClusterNamespace ?? ns, source.ClusterName!, source.RepoName, RestoreTarget.FromOptions(source.Options ?? []).Target ?? RestoreTarget.Latest)
                : null);
    }

    /// <summary>
    /// Every repository keeps two full backups unless the spec says otherwise (pgBackRest would
    /// otherwise keep all of them, and warn on every backup).
    /// </summary>
    private static BackupPlan PlanBackups(PgBackRestSpec spec)
    {
        var repos = spec.Repos!.Select(r => new RepoPlan(
            r.Name!,
            int.Parse(r.Name!["repo".Length..], System.Globalization.CultureInfo.InvariantCulture),
            r.Path,
            new[] { ("full", r.Schedules?.Full), ("diff", r.Schedules?.Differential), ("incr", r.Schedules?.Incremental) }
                .Where(s => s.Item2 is not null)
                .Select(s => new ScheduledBackupPlan(s.Item1, s.Item2!))
                .ToList())).ToList();
        var global = new SortedDictionary<string, string>(spec.Global ?? [], StringComparer.Ordinal);
        foreach (var repo in repos)
        {
            global.TryAdd($"repo{repo.Index}-retention-full", "2");
        }

        var manualType = spec.Manual?.Options?.LastOrDefault(o => o.StartsWith("--type=", StringComparison.Ordinal))?["--type=".Length..] ?? "full";
        return new BackupPlan(repos, global, spec.Manual?.RepoName ?? repos[0].Name, manualType);
    }
}
