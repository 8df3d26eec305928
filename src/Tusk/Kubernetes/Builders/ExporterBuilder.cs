using System.Globalization;
using System.Text.Json.Nodes;
using Tusk.Planning;

namespace Tusk.Kubernetes.Builders;

/// <summary>
/// The sidecar <c>exporter</c> (postgres_exporter) in every instance pod when
/// spec.monitoring.exporter is set. It reaches PostgreSQL over the pod's loopback, with TLS
/// checked against the cluster's CA (verify-ca: the server certificate names the Services, not
/// 127.0.0.1), as <see cref="ClusterPlan.MonitorUser"/>. Its password is a file from the
/// internal Secret (DATA_SOURCE_PASS_FILE), never an argument or a plain environment value.
/// </summary>
public static class ExporterBuilder
{
    public const string Container = "exporter";
    public const string PortName = "metrics";
    public const int Port = 9187;
    public const string PasswordVolume = "exporter-password";
    public const string PasswordDirectory = "/etc/tusk/exporter";
    public const string PasswordKey = "monitor-password";

    internal static JsonObject Sidecar(BuildRequest r)
    {
        var source = $"127.0.0.1:{r.Plan.Port.ToString(CultureInfo.InvariantCulture)}/postgres?sslmode=verify-ca&sslrootcert={PatroniConfigMapBuilder.TlsDirectory}/ca.crt";
        var container = new JsonObject
        {
            ["name"] = Container,
            ["image"] = SidecarImages.Require(r.ExporterImage, "postgres_exporter", "spec.monitoring.exporter.image", SidecarImages.ExporterVariable),
            // Named, not left to the image's entrypoint: upstream's image has /bin/postgres_exporter
            // as its entrypoint, but tusk/postgres (one image for every sidecar) runs patroni by default.
            ["command"] = new JsonArray("postgres_exporter"),
            ["args"] = new JsonArray($"--web.listen-address=:{Port}", "--log.level=warn"),
            ["env"] = new JsonArray(
                StatefulSetBuilder.Env("DATA_SOURCE_URI", source),
                StatefulSetBuilder.Env("DATA_SOURCE_USER", ClusterPlan.MonitorUser),
                StatefulSetBuilder.Env("DATA_SOURCE_PASS_FILE", $"{PasswordDirectory}/password")),
            ["ports"] = new JsonArray(new JsonObject { ["name"] = PortName, ["containerPort"] = Port, ["protocol"] = "TCP" }),
            ["securityContext"] = PodSecurity.Container(),
            ["volumeMounts"] = new JsonArray(
                StatefulSetBuilder.Mount("tls", PatroniConfigMapBuilder.TlsDirectory, readOnly: true),
                StatefulSetBuilder.Mount(PasswordVolume, PasswordDirectory, readOnly: true)),
        };
        if (r.Cluster.Spec.ImagePullPolicy is { } pullPolicy)
        {
            container["imagePullPolicy"] = pullPolicy;
        }

        if (r.Cluster.Spec.Monitoring?.Exporter?.Resources is { } resources)
        {
            container["resources"] = resources.DeepClone();
        }

        return container;
    }

    /// <summary>Only the monitor password from the internal Secret, 0440 root:fsGroup so the pod's user can read it.</summary>
    internal static JsonObject PasswordFile(BuildRequest r) => new()
    {
        ["name"] = PasswordVolume,
        ["secret"] = new JsonObject
        {
            ["secretName"] = ObjectNames.InternalSecret(r.Name),
            ["defaultMode"] = 0b100_100_000,
            ["items"] = new JsonArray(new JsonObject { ["key"] = PasswordKey, ["path"] = "password" }),
        },
    };
}
