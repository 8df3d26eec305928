using System.Text.Json.Nodes;
using Tusk.Api;

namespace Tusk.Kubernetes.Builders;

/// <summary>
/// One StatefulSet &lt;c&gt;-&lt;set&gt;-&lt;suffix&gt; per instance set. Each pod's container
/// <c>database</c> runs Patroni with Kubernetes as its DCS; Patroni names its member after the
/// pod; beside it run the sidecars <c>pgbackrest</c> when backups are on
/// (<see cref="PgBackRestBuilder"/>) and <c>exporter</c> when monitoring is on
/// (<see cref="ExporterBuilder"/>). Pods are hardened (<see cref="PodSecurity"/>), writable only where they must be
/// (data volume, /tmp, the socket directory, /dev/shm), spread across nodes unless the spec
/// gives its own affinity, and take the spec's resources, tolerations, topology spread,
/// priority class and image pull secrets unchanged.
/// </summary>
public static class StatefulSetBuilder
{
    public const string Container = "database";
    public const string DataVolume = "pgdata";

    public static IReadOnlyList<JsonObject> Build(BuildRequest r) =>
        r.Cluster.Spec.Instances!.Select(set => Build(r, set)).ToList();

    public static JsonObject Build(BuildRequest r, InstanceSet set)
    {
        var name = ObjectNames.StatefulSet(r.Name, set.Name!, r.Uid);
        var selector = new JsonObject { [Labels.Cluster] = r.Name, [Labels.InstanceSet] = set.Name };
        var podLabels = Labels.For(r.Name, set.Name);
        podLabels[PatroniConfigMapBuilder.ScopeLabel] = ObjectNames.PatroniScope(r.Name);
        var podAnnotations = new JsonObject();
        foreach (var metadata in new[] { r.Cluster.Spec.Metadata, set.Metadata })
        {
            CopyStrings(metadata?["labels"], podLabels);
            CopyStrings(metadata?["annotations"], podAnnotations);
        }

        var pod = new JsonObject
        {
            ["serviceAccountName"] = ObjectNames.Instance(r.Name),
            ["automountServiceAccountToken"] = true,
            ["enableServiceLinks"] = false,
            ["securityContext"] = PodSecurity.Pod(),
            ["affinity"] = set.Affinity?.DeepClone() ?? DefaultAffinity(selector),
            ["containers"] = Containers(r, set),
            ["volumes"] = Volumes(r),
        };
        Passthrough(pod, "tolerations", set.Tolerations);
        Passthrough(pod, "topologySpreadConstraints", set.TopologySpreadConstraints);
        Passthrough(pod, "imagePullSecrets", r.Cluster.Spec.ImagePullSecrets);
        if (set.PriorityClassName is { } priority)
        {
            pod["priorityClassName"] = priority;
        }

        var template = new JsonObject { ["labels"] = podLabels };
        if (podAnnotations.Count > 0)
        {
            template["annotations"] = podAnnotations;
        }

        var statefulSet = Meta.Object("apps/v1", "StatefulSet", Meta.Owned(r, name, Labels.For(r.Name, set.Name)));
        statefulSet["spec"] = new JsonObject
        {
            ["replicas"] = r.Plan.Shutdown ? 0 : Math.Max(set.Replicas ?? 0, r.HeldReplicas.GetValueOrDefault(set.Name!)),
            ["serviceName"] = ObjectNames.Pods(r.Name),
            // Patroni members start independently; none waits for another to be ready.
            ["podManagementPolicy"] = "Parallel",
            ["selector"] = new JsonObject { ["matchLabels"] = selector },
            ["template"] = new JsonObject { ["metadata"] = template, ["spec"] = pod },
            ["volumeClaimTemplates"] = new JsonArray(new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = DataVolume, ["labels"] = Labels.For(r.Name, set.Name, "pgdata") },
                ["spec"] = set.DataVolumeClaimSpec?.DeepClone() ?? DefaultClaim(),
            }),
        };
        return statefulSet;
    }

    /// <summary>The database container, then the sidecars the plan turns on (pgBackRest, the exporter).</summary>
    private static JsonArray Containers(BuildRequest r, InstanceSet set)
    {
        var containers = new JsonArray(Database(r, set));
        if (r.Plan.Backups is { } backups)
        {
            containers.Add((JsonNode)PgBackRestBuilder.Sidecar(r, backups));
        }

        if (r.Plan.Exporter)
        {
            containers.Add((JsonNode)ExporterBuilder.Sidecar(r));
        }

        return containers;
    }

    private static JsonObject Database(BuildRequest r, InstanceSet set)
    {
        var port = r.Plan.Port;
        var container = new JsonObject
        {
            ["name"] = Container,
            ["image"] = r.Image,
            ["command"] = new JsonArray("patroni", $"{PatroniConfigMapBuilder.ConfigDirectory}/{PatroniConfigMapBuilder.FileName}"),
            ["env"] = new JsonArray(
                FieldEnv("PATRONI_NAME", "metadata.name"),
                FieldEnv("PATRONI_KUBERNETES_NAMESPACE", "metadata.namespace"),
                FieldEnv("PATRONI_KUBERNETES_POD_IP", "status.podIP"),
                Env("PATRONI_POSTGRESQL_CONNECT_ADDRESS", $"$(PATRONI_KUBERNETES_POD_IP):{port}"),
                Env("PATRONI_RESTAPI_CONNECT_ADDRESS", $"$(PATRONI_KUBERNETES_POD_IP):{ServiceBuilder.PatroniPort}"),
                SecretEnv("PATRONI_SUPERUSER_PASSWORD", ObjectNames.InternalSecret(r.Name), "superuser-password"),
                SecretEnv("PATRONI_REPLICATION_PASSWORD", ObjectNames.InternalSecret(r.Name), "replication-password"),
                SecretEnv("PATRONI_REWIND_PASSWORD", ObjectNames.InternalSecret(r.Name), "rewind-password"),
                // Patroni's REST API: its unsafe endpoints need these; members send them to each other.
                Env("PATRONI_RESTAPI_USERNAME", InternalPasswords.RestApiUser),
                SecretEnv("PATRONI_RESTAPI_PASSWORD", ObjectNames.InternalSecret(r.Name), "restapi-password"),
                Env("HOME", "/tmp")),
            ["ports"] = new JsonArray(
                new JsonObject { ["name"] = ServiceBuilder.PostgresPortName, ["containerPort"] = port, ["protocol"] = "TCP" },
                new JsonObject { ["name"] = ServiceBuilder.PatroniPortName, ["containerPort"] = ServiceBuilder.PatroniPort, ["protocol"] = "TCP" }),
            // Patroni's REST API answers /readiness 200 on a running member that can serve, /liveness while its loop runs.
            ["readinessProbe"] = Probe("/readiness", periodSeconds: 5, failureThreshold: 3),
            ["livenessProbe"] = Probe("/liveness", periodSeconds: 10, failureThreshold: 6),
            ["securityContext"] = PodSecurity.Container(),
            ["volumeMounts"] = new JsonArray(
                Mount(DataVolume, PatroniConfigMapBuilder.DataDirectory),
                Mount("config", PatroniConfigMapBuilder.ConfigDirectory, readOnly: true),
                Mount("tls", PatroniConfigMapBuilder.TlsDirectory, readOnly: true),
                Mount("tmp", "/tmp"),
                Mount("run", PatroniConfigMapBuilder.SocketDirectory),
                Mount("dshm", "/dev/shm")),
        };
        if (r.Plan.Backups is { } backups)
        {
            // PostgreSQL runs archive_command (pgbackrest archive-push) in this container.
            var mounts = container["volumeMounts"]!.AsArray();
            foreach (var mount in PgBackRestBuilder.Mounts(backups))
            {
                mounts.Add((JsonNode)mount);
            }
        }

        if (r.Cluster.Spec.ImagePullPolicy is { } pullPolicy)
        {
            container["imagePullPolicy"] = pullPolicy;
        }

        if (set.Resources is { } resources)
        {
            container["resources"] = resources.DeepClone();
        }

        return container;
    }

    private static JsonArray Volumes(BuildRequest r)
    {
        var volumes = CommonVolumes(r);
        if (r.Plan.Backups is { } backups)
        {
            foreach (var volume in PgBackRestBuilder.Volumes(r, backups))
            {
                volumes.Add((JsonNode)volume);
            }
        }

        if (r.Plan.Exporter)
        {
            volumes.Add((JsonNode)ExporterBuilder.PasswordFile(r));
        }

        return volumes;
    }

    private static JsonArray CommonVolumes(BuildRequest r) => new(
        new JsonObject
        {
            ["name"] = "config",
            ["configMap"] = new JsonObject { ["name"] = ObjectNames.PatroniConfig(r.Name) },
        },
        new JsonObject
        {
            ["name"] = "tls",
            // 0640 root:fsGroup: PostgreSQL accepts a root-owned key the server's group can read.
            ["secret"] = new JsonObject { ["secretName"] = ObjectNames.ClusterCert(r.Name), ["defaultMode"] = 0b110_100_000 },
        },
        new JsonObject { ["name"] = "tmp", ["emptyDir"] = new JsonObject { ["sizeLimit"] = "64Mi" } },
        new JsonObject { ["name"] = "run", ["emptyDir"] = new JsonObject { ["sizeLimit"] = "1Mi" } },
        new JsonObject { ["name"] = "dshm", ["emptyDir"] = new JsonObject { ["medium"] = "Memory" } });

    /// <summary>Prefer one instance per node: losing a node then loses at most one member of the set.</summary>
    internal static JsonObject DefaultAffinity(JsonObject selector) => new()
    {
        ["podAntiAffinity"] = new JsonObject
        {
            ["preferredDuringSchedulingIgnoredDuringExecution"] = new JsonArray(new JsonObject
            {
                ["weight"] = 100,
                ["podAffinityTerm"] = new JsonObject
                {
                    ["topologyKey"] = "kubernetes.io/hostname",
                    ["labelSelector"] = new JsonObject { ["matchLabels"] = selector.DeepClone() },
                },
            }),
        },
    };

    private static JsonObject DefaultClaim() => new()
    {
        ["accessModes"] = new JsonArray("ReadWriteOnce"),
        ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["storage"] = "1Gi" } },
    };

    private static JsonObject Probe(string path, int periodSeconds, int failureThreshold) => new()
    {
        ["httpGet"] = new JsonObject { ["path"] = path, ["port"] = ServiceBuilder.PatroniPortName, ["scheme"] = "HTTPS" },
        ["periodSeconds"] = periodSeconds,
        ["failureThreshold"] = failureThreshold,
        ["timeoutSeconds"] = 5,
    };

    internal static JsonObject Mount(string name, string path, bool readOnly = false)
    {
        var mount = new JsonObject { ["name"] = name, ["mountPath"] = path };
        if (readOnly)
        {
            mount["readOnly"] = true;
        }

        return mount;
    }

    internal static JsonObject Env(string name, string value) => new() { ["name"] = name, ["value"] = value };

    private static JsonObject FieldEnv(string name, string path) => new()
    {
        ["name"] = name,
        ["valueFrom"] = new JsonObject { ["fieldRef"] = new JsonObject { ["apiVersion"] = "v1", ["fieldPath"] = path } },
    };

    private static JsonObject SecretEnv(string name, string secret, string key) => new()
    {
        ["name"] = name,
        ["valueFrom"] = new JsonObject { ["secretKeyRef"] = new JsonObject { ["name"] = secret, ["key"] = key } },
    };

    private static void Passthrough(JsonObject target, string key, JsonNode? value)
    {
        if (value is not null)
        {
            target[key] = value.DeepClone();
        }
    }

    internal static void CopyStrings(JsonNode? source, JsonObject target)
    {
        if (source is JsonObject map)
        {
            foreach (var (key, value) in map)
            {
                // Tusk's own labels win: a user label must not move a pod out of its selector.
                if (!target.ContainsKey(key))
                {
                    target[key] = value?.DeepClone();
                }
            }
        }
    }
}
