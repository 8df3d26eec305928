using System.Text.Json.Nodes;

namespace Tusk.Api;

/// <summary>postgres_exporter beside each instance (PGO's pgmonitor exporter). Locally each one listens on a free port of 127.0.0.1, shown by `tusk describe`.</summary>
public sealed class ExporterSpec
{
    [KubernetesOnly("the local runtime runs the installed prometheus-postgres-exporter")]
    public string? Image { get; set; }

    [KubernetesOnly("the local runtime sets no resource limits")]
    [OpenApiType("object")]
    public JsonNode? Resources { get; set; }
}
