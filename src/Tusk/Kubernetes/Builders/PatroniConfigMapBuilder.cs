using System.Text.Json;
using System.Text.Json.Nodes;
using Tusk.Api.Schema;
using Tusk.Planning;
using Tusk.Runtime.Local;

namespace Tusk.Kubernetes.Builders;

/// <summary>
/// The ConfigMap &lt;c&gt;-config holding patroni.yaml for every instance: Kubernetes as the DCS
/// (ConfigMaps, members found by label, the role written into <see cref="Labels.Role"/>), TLS
/// for PostgreSQL and the REST API, and the cluster-wide settings from the shared plan
/// (<see cref="PatroniConfigBuilder.DynamicConfiguration"/>, <see cref="PgHbaPlanner"/>), the same
/// ones the local runtime uses. Per-pod values (name, IP, passwords) come from the environment
/// (PATRONI_* variables set by the StatefulSet), never from this file.
/// </summary>
public static class PatroniConfigMapBuilder
{
    public const string FileName = "patroni.yaml";
    public const string ConfigDirectory = "/etc/patroni";

    /// <summary>The label naming a pod's or a DCS ConfigMap's Patroni scope, which Patroni selects its objects by.</summary>
    public const string ScopeLabel = "tusk.dev/patroni";
    public const string TlsDirectory = "/etc/tusk/tls";
    public const string DataDirectory = "/pgdata";
    public const string SocketDirectory = "/var/run/postgresql";

    /// <summary>The pod network: any address, over TLS with scram-sha-256 (PgHbaPlanner rejects everything without TLS).</summary>
    public static readonly string[] Networks = ["0.0.0.0/0", "::0/0"];

    public static JsonObject Build(BuildRequest r)
    {
        var configMap = Meta.Object("v1", "ConfigMap", Meta.Owned(r, ObjectNames.PatroniConfig(r.Name), Labels.For(r.Name, role: "patroni")));
        configMap["data"] = new JsonObject { [FileName] = YamlWriter.Write(Config(r.Plan)) };
        return configMap;
    }

    public static JsonObject Config(ClusterPlan plan)
    {
        var tls = new JsonObject { ["sslmode"] = "verify-ca", ["sslrootcert"] = $"{TlsDirectory}/ca.crt" };
        JsonObject User(string name) => new JsonObject { ["username"] = name }.Merge(tls);
        var dcs = JsonSerializer.SerializeToNode(PatroniConfigBuilder.DynamicConfiguration(plan), PlainJson.Default.DictionaryStringObject)!.AsObject();
        return new JsonObject
        {
            ["scope"] = ObjectNames.PatroniScope(plan.Name),
            ["log"] = new JsonObject { ["level"] = "INFO" },
            ["kubernetes"] = new JsonObject
            {
                ["use_endpoints"] = false,
                ["labels"] = new JsonObject { [Labels.Cluster] = plan.Name },
                ["scope_label"] = ScopeLabel,
                ["role_label"] = Labels.Role,
            },
            ["restapi"] = new JsonObject
            {
                ["listen"] = $"0.0.0.0:{ServiceBuilder.PatroniPort}",
                ["certfile"] = $"{TlsDirectory}/tls.crt",
                ["keyfile"] = $"{TlsDirectory}/tls.key",
                // Members ask each other's REST API (https://<pod IP>:8008) whether they are healthy
                // before a switchover or failover; they trust the cluster's CA ...
                ["cafile"] = $"{TlsDirectory}/ca.crt",
            },
            // ... and, as the certificate names the Services but not the pods' addresses, check
            // the chain without the host name (Patroni's "insecure" only drops that check when a
            // client certificate is set, as restapi.certfile is). Without this every member looks
            // unhealthy and Patroni refuses switchovers: "no healthy members found".
            ["ctl"] = new JsonObject { ["insecure"] = true },
            ["bootstrap"] = new JsonObject
            {
                ["dcs"] = dcs,
                ["initdb"] = new JsonArray(
                    new JsonObject { ["encoding"] = "UTF8" },
                    new JsonObject { ["locale"] = "C.UTF-8" },
                    "data-checksums",
                    new JsonObject { ["auth-local"] = "peer" },
                    new JsonObject { ["auth-host"] = "scram-sha-256" }),
            },
            ["postgresql"] = new JsonObject
            {
                ["listen"] = $"0.0.0.0:{plan.Port}",
                ["data_dir"] = $"{DataDirectory}/pg{plan.PostgresVersion}",
                ["bin_dir"] = $"/usr/lib/postgresql/{plan.PostgresVersion}/bin",
                ["pgpass"] = "/tmp/pgpass",
                ["use_unix_socket"] = true,
                ["basebackup"] = new JsonArray(new JsonObject { ["checkpoint"] = "fast" }),
                ["authentication"] = new JsonObject
                {
                    ["superuser"] = User(ClusterPlan.Superuser),
                    ["replication"] = User(ClusterPlan.ReplicationUser),
                    ["rewind"] = User(ClusterPlan.RewindUser),
                },
                ["parameters"] = new JsonObject
                {
                    ["unix_socket_directories"] = SocketDirectory,
                    ["ssl"] = "on",
                    ["ssl_cert_file"] = $"{TlsDirectory}/tls.crt",
                    ["ssl_key_file"] = $"{TlsDirectory}/tls.key",
                    ["ssl_ca_file"] = $"{TlsDirectory}/ca.crt",
                    // As locally: always on, so turning backups on later needs no restart; without backups every segment is "archived" by true.
                    ["archive_mode"] = "on",
                    ["archive_command"] = plan.Backups is null ? "/bin/true" : PgBackRestBuilder.ArchiveCommand(plan),
                },
                ["pg_hba"] = Meta.Strings(PgHbaPlanner.Plan(plan, Networks)),
                ["pg_ident"] = Meta.Strings(PgHbaPlanner.Ident(ClusterPlan.Superuser)),
            },
            ["watchdog"] = new JsonObject { ["mode"] = "off" },
        };
    }

    private static JsonObject Merge(this JsonObject target, JsonObject extra)
    {
        foreach (var (key, value) in extra)
        {
            target[key] = value?.DeepClone();
        }

        return target;
    }
}
