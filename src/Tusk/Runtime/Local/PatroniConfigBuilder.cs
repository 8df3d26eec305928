using Tusk.Planning;
using Tusk.Planning.Backups;
using Tusk.Runtime.Local.Backups;

namespace Tusk.Runtime.Local;

/// <summary>
/// Patroni's configuration for one local member: etcd as the DCS, REST API and PostgreSQL on
/// loopback, TLS on, passwords in the file (mode 0600), never in arguments. Pure: a tree of
/// dictionaries, serialised by the caller.
/// </summary>
public static class PatroniConfigBuilder
{
    public const string Namespace = "/tusk/";
    public const string RestUser = "tusk";
    public const string RestoreMethod = "pgbackrest";

    public static Dictionary<string, object> Build(
        ClusterPlan plan, LocalMember member, ClusterSecrets secrets, int etcdPort, string serviceOsUser, string caFile, RestoreTarget? restore = null)
    {
        var tls = new Dictionary<string, object>
        {
            ["sslmode"] = "verify-ca",
            ["sslrootcert"] = caFile,
        };
        return new Dictionary<string, object>
        {
            ["scope"] = plan.Scope,
            ["namespace"] = Namespace,
            ["name"] = member.Name,
            ["log"] = new Dictionary<string, object> { ["level"] = "INFO" },
            ["restapi"] = new Dictionary<string, object>
            {
                ["listen"] = $"127.0.0.1:{member.RestPort}",
                ["connect_address"] = $"127.0.0.1:{member.RestPort}",
                ["authentication"] = new Dictionary<string, object> { ["username"] = RestUser, ["password"] = secrets.RestApi },
            },
            ["etcd3"] = new Dictionary<string, object> { ["hosts"] = $"127.0.0.1:{etcdPort}" },
            ["bootstrap"] = Bootstrap(plan, member, restore),
            ["postgresql"] = new Dictionary<string, object>
            {
                ["listen"] = $"127.0.0.1:{member.PostgresPort}",
                ["connect_address"] = $"127.0.0.1:{member.PostgresPort}",
                ["data_dir"] = member.DataDirectory,
                ["bin_dir"] = $"/usr/lib/postgresql/{plan.PostgresVersion}/bin",
                ["pgpass"] = member.PgPassFile,
                ["use_unix_socket"] = true,
                // A fast checkpoint starts a new replica's base backup at once instead of after a spread checkpoint.
                ["basebackup"] = new object[] { new Dictionary<string, object> { ["checkpoint"] = "fast" } },
                ["authentication"] = new Dictionary<string, object>
                {
                    ["superuser"] = Credentials(ClusterPlan.Superuser, secrets.Superuser, tls),
                    ["replication"] = Credentials(ClusterPlan.ReplicationUser, secrets.Replication, tls),
                    ["rewind"] = Credentials(ClusterPlan.RewindUser, secrets.Rewind, tls),
                },
                ["parameters"] = new Dictionary<string, object>
                {
                    ["unix_socket_directories"] = member.SocketDirectory,
                    ["ssl"] = "on",
                    ["ssl_cert_file"] = Path.Combine(member.TlsDirectory, "server.crt"),
                    ["ssl_key_file"] = Path.Combine(member.TlsDirectory, "server.key"),
                    ["ssl_ca_file"] = caFile,
                    ["cluster_name"] = member.Name,
                    // Always on, so turning backups on later needs no restart; without backups every segment is "archived" by true.
                    ["archive_mode"] = "on",
                    ["archive_command"] = plan.Backups is null ? "/bin/true" : PgBackRestConfigBuilder.ArchiveCommand(member),
                },
                ["pg_hba"] = PgHbaPlanner.Plan(plan, ["127.0.0.1/32", "::1/128"]).ToArray(),
                ["pg_ident"] = PgHbaPlanner.Ident(serviceOsUser).ToArray(),
            },
            ["watchdog"] = new Dictionary<string, object> { ["mode"] = "off" },
            ["tags"] = new Dictionary<string, object>
            {
                ["nofailover"] = false,
                ["noloadbalance"] = false,
                ["clonefrom"] = false,
                ["nosync"] = false,
            },
        };
    }

    /// <summary>
    /// initdb for a new cluster; for a restore or a clone, Patroni's custom bootstrap runs
    /// pgBackRest restore instead, waits for recovery to reach the target and promote, then
    /// sets this cluster's own passwords for its superuser, replication and rewind roles.
    /// Whichever member wins the race to initialize restores; the others copy it.
    /// </summary>
    private static Dictionary<string, object> Bootstrap(ClusterPlan plan, LocalMember member, RestoreTarget? restore)
    {
        var bootstrap = new Dictionary<string, object>
        {
            ["dcs"] = DynamicConfiguration(plan),
            ["initdb"] = new object[]
            {
                new Dictionary<string, object> { ["encoding"] = "UTF8" },
                new Dictionary<string, object> { ["locale"] = "C.UTF-8" },
                "data-checksums",
                new Dictionary<string, object> { ["auth-local"] = "peer" },
                new Dictionary<string, object> { ["auth-host"] = "scram-sha-256" },
            },
        };
        if (restore is not null)
        {
            bootstrap["method"] = RestoreMethod;
            bootstrap[RestoreMethod] = new Dictionary<string, object>
            {
                ["command"] = PgBackRestConfigBuilder.RestoreCommand(member, restore),
                ["no_params"] = true,
                // Patroni's own recovery settings rather than pgBackRest's: with them it keeps
                // hot_standby on (recovery pauses at the target and the agent resumes it, which
                // promotes), so it need not restart PostgreSQL after the bootstrap.
                ["recovery_conf"] = new Dictionary<string, object>(restore.RecoverySettings().ToDictionary(s => s.Key, s => (object)s.Value))
                {
                    ["restore_command"] = PgBackRestConfigBuilder.ArchiveGetCommand(member, restore),
                },
            };
        }

        return bootstrap;
    }

    /// <summary>The cluster-wide settings Patroni keeps in the DCS; Tusk PATCHes /config when they change.</summary>
    public static Dictionary<string, object> DynamicConfiguration(ClusterPlan plan) => new()
    {
        ["ttl"] = plan.Timings.Ttl,
        ["loop_wait"] = plan.Timings.LoopWait,
        ["retry_timeout"] = plan.Timings.RetryTimeout,
        ["maximum_lag_on_failover"] = 1048576,
        ["synchronous_mode"] = plan.SynchronousMode,
        ["postgresql"] = new Dictionary<string, object>
        {
            ["use_pg_rewind"] = true,
            ["use_slots"] = true,
            ["parameters"] = plan.Parameters.ToDictionary(p => p.Key, p => (object)p.Value),
        },
    };

    private static Dictionary<string, object> Credentials(string user, string password, Dictionary<string, object> tls)
    {
        var credentials = new Dictionary<string, object> { ["username"] = user, ["password"] = password };
        foreach (var (key, value) in tls)
        {
            credentials[key] = value;
        }

        return credentials;
    }
}
