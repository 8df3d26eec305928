using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Tusk.Planning;
using Tusk.Runtime.Local;

namespace Tusk.Kubernetes.Builders;

/// <summary>
/// PgBouncer when spec.proxy.pgBouncer is set: a Deployment and a Service &lt;c&gt;-pgbouncer
/// (PGO's names), pgbouncer.ini in a ConfigMap and its auth_file in a Secret of the same name.
/// The design is the local runtime's (<see cref="PgBouncerConfigBuilder"/>): every database goes
/// to the current primary — here the &lt;c&gt;-primary Service — and passwords are looked up with
/// auth_query through <see cref="PgBouncerPlan.AuthUser"/>, whose plaintext password is the
/// auth_file's only entry. TLS both ways with the cluster's certificate and CA.
/// </summary>
public static class PgBouncerBuilder
{
    public const string Container = "pgbouncer";
    public const string PortName = "pgbouncer";
    public const string ConfigFile = "pgbouncer.ini";
    public const string AuthFileName = "users.txt";
    public const string ConfigDirectory = "/etc/pgbouncer";
    public const string AuthDirectory = "/etc/pgbouncer-auth";
    public const string Role = "pgbouncer";

    /// <summary>The pod template's annotation that changes with the configuration, so a change rolls the pods (PgBouncer does not watch its files).</summary>
    public const string ConfigHashAnnotation = "tusk.dev/config-hash";

    public static IReadOnlyList<JsonObject> ConfigObjects(BuildRequest r)
    {
        if (r.Plan.PgBouncer is not { } plan)
        {
            return [];
        }

        var configMap = Meta.Object("v1", "ConfigMap", Meta.Owned(r, ObjectNames.PgBouncer(r.Name), Labels.For(r.Name, role: Role)));
        configMap["data"] = new JsonObject { [ConfigFile] = Ini(r, plan) };
        var secret = SecretBuilder.Secret(Meta.Owned(r, ObjectNames.PgBouncer(r.Name), Labels.For(r.Name, role: Role)), new()
        {
            [AuthFileName] = PgBouncerConfigBuilder.AuthFile(Password(r)),
        });
        return [configMap, secret];
    }

    public static IReadOnlyList<JsonObject> Services(BuildRequest r)
    {
        if (r.Plan.PgBouncer is not { } plan)
        {
            return [];
        }

        var service = Meta.Object("v1", "Service", Meta.Owned(r, ObjectNames.PgBouncer(r.Name), Labels.For(r.Name, role: Role)));
        service["spec"] = new JsonObject
        {
            ["type"] = "ClusterIP",
            ["selector"] = Selector(r),
            ["ports"] = new JsonArray(new JsonObject { ["name"] = PortName, ["port"] = plan.Port, ["protocol"] = "TCP", ["targetPort"] = PortName }),
        };
        return [service];
    }

    public static IReadOnlyList<JsonObject> Deployments(BuildRequest r)
    {
        if (r.Plan.PgBouncer is not { } plan)
        {
            return [];
        }

        var spec = r.Cluster.Spec.Proxy!.PgBouncer!;
        var podLabels = Labels.For(r.Name, role: Role);
        var podAnnotations = new JsonObject { [ConfigHashAnnotation] = Hash(Ini(r, plan) + PgBouncerConfigBuilder.AuthFile(Password(r))) };
        StatefulSetBuilder.CopyStrings(r.Cluster.Spec.Metadata?["labels"], podLabels);
        StatefulSetBuilder.CopyStrings(spec.Metadata?["labels"], podLabels);
        StatefulSetBuilder.CopyStrings(r.Cluster.Spec.Metadata?["annotations"], podAnnotations);
        StatefulSetBuilder.CopyStrings(spec.Metadata?["annotations"], podAnnotations);

        var container = new JsonObject
        {
            ["name"] = Container,
            ["image"] = SidecarImages.Require(r.PgBouncerImage, "PgBouncer", "spec.proxy.pgBouncer.image", SidecarImages.PgBouncerVariable),
            ["command"] = new JsonArray("pgbouncer", $"{ConfigDirectory}/{ConfigFile}"),
            ["ports"] = new JsonArray(new JsonObject { ["name"] = PortName, ["containerPort"] = plan.Port, ["protocol"] = "TCP" }),
            ["readinessProbe"] = new JsonObject
            {
                ["tcpSocket"] = new JsonObject { ["port"] = PortName },
                ["periodSeconds"] = 5,
                ["failureThreshold"] = 3,
            },
            ["securityContext"] = PodSecurity.Container(),
            ["volumeMounts"] = new JsonArray(
                StatefulSetBuilder.Mount("config", ConfigDirectory, readOnly: true),
                StatefulSetBuilder.Mount("auth", AuthDirectory, readOnly: true),
                StatefulSetBuilder.Mount("tls", PatroniConfigMapBuilder.TlsDirectory, readOnly: true),
                StatefulSetBuilder.Mount("tmp", "/tmp")),
        };
        if (r.Cluster.Spec.ImagePullPolicy is { } pullPolicy)
        {
            container["imagePullPolicy"] = pullPolicy;
        }

        var pod = new JsonObject
        {
            // PgBouncer talks to PostgreSQL only; it needs no Kubernetes API.
            ["automountServiceAccountToken"] = false,
            ["enableServiceLinks"] = false,
            ["securityContext"] = PodSecurity.Pod(),
            ["affinity"] = StatefulSetBuilder.DefaultAffinity(Selector(r)),
            ["containers"] = new JsonArray(container),
            ["volumes"] = new JsonArray(
                new JsonObject { ["name"] = "config", ["configMap"] = new JsonObject { ["name"] = ObjectNames.PgBouncer(r.Name) } },
                new JsonObject
                {
                    ["name"] = "auth",
                    // 0440 root:fsGroup: readable by the pod's user only.
                    ["secret"] = new JsonObject { ["secretName"] = ObjectNames.PgBouncer(r.Name), ["defaultMode"] = 0b100_100_000 },
                },
                new JsonObject
                {
                    ["name"] = "tls",
                    ["secret"] = new JsonObject { ["secretName"] = ObjectNames.ClusterCert(r.Name), ["defaultMode"] = 0b110_100_000 },
                },
                new JsonObject { ["name"] = "tmp", ["emptyDir"] = new JsonObject { ["sizeLimit"] = "16Mi" } }),
        };
        if (r.Cluster.Spec.ImagePullSecrets is { } pullSecrets)
        {
            pod["imagePullSecrets"] = pullSecrets.DeepClone();
        }

        var deployment = Meta.Object("apps/v1", "Deployment", Meta.Owned(r, ObjectNames.PgBouncer(r.Name), Labels.For(r.Name, role: Role)));
        deployment["spec"] = new JsonObject
        {
            ["replicas"] = r.Plan.Shutdown ? 0 : spec.Replicas ?? 1,
            ["selector"] = new JsonObject { ["matchLabels"] = Selector(r) },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = podLabels, ["annotations"] = podAnnotations },
                ["spec"] = pod,
            },
        };
        return [deployment];
    }

    /// <summary>pgbouncer.ini: the local runtime's settings, listening on the pod's addresses and forwarding to the primary Service.</summary>
    public static string Ini(BuildRequest r, PgBouncerPlan plan)
    {
        // The server certificate names the primary Service, so the upstream is verified in full.
        var tls = PatroniConfigMapBuilder.TlsDirectory;
        return PgBouncerConfigBuilder.Build(
            plan, "*", ObjectNames.Primary(r.Name), r.Plan.Port, $"{AuthDirectory}/{AuthFileName}", $"{tls}/tls.crt", $"{tls}/tls.key", $"{tls}/ca.crt");
    }

    /// <summary>The host clients reach the pooler at: its Service's DNS name.</summary>
    public static string Host(BuildRequest r) => $"{ObjectNames.PgBouncer(r.Name)}.{r.Namespace}.svc";

    private static JsonObject Selector(BuildRequest r) => new() { [Labels.Cluster] = r.Name, [Labels.Role] = Role };

    private static string Password(BuildRequest r) =>
        r.Internal.PgBouncer ?? throw new ArgumentException($"no password for {PgBouncerPlan.AuthUser} in the build request (InternalPasswords.PgBouncer) while spec.proxy.pgBouncer is set", nameof(r));

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
}
