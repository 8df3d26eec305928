using System.Text.Json.Nodes;

namespace Tusk.Api;

/// <summary>One pgBackRest repository (repo1..repo4).</summary>
public sealed class PgBackRestRepo
{
    public string? Name { get; set; }
    public JsonNode? Schedules { get; set; }

    [KubernetesOnly("the local runtime keeps repositories on disk under the state directory")]
    public JsonNode? Volume { get; set; }

    public JsonNode? S3 { get; set; }
    public JsonNode? Gcs { get; set; }
    public JsonNode? Azure { get; set; }
}
