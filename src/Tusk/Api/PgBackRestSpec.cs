using System.Text.Json.Nodes;

namespace Tusk.Api;

/// <summary>pgBackRest settings in PGO's shape.</summary>
public sealed class PgBackRestSpec
{
    [KubernetesOnly("the local runtime runs the installed pgbackrest")]
    public string? Image { get; set; }

    public List<PgBackRestRepo>? Repos { get; set; }
    /// <summary>pgBackRest options for every command (retention, compression, ...); the names Tusk manages are refused.</summary>
    public Dictionary<string, string>? Global { get; set; }
    public PgBackRestManual? Manual { get; set; }

    [KubernetesOnly("the local runtime has no Kubernetes metadata to propagate")]
    [OpenApiType("object")]
    public JsonNode? Metadata { get; set; }

    [KubernetesOnly("the local runtime reads no ConfigMaps or Secrets")]
    [OpenApiType("array")]
    public JsonNode? Configuration { get; set; }
}
