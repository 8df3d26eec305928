using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;

namespace Tusk.Api;

/// <summary>One pgBackRest repository (repo1..repo4).</summary>
public sealed class PgBackRestRepo
{
    [Required]
    [AllowedValues("repo1", "repo2", "repo3", "repo4")]
    public string? Name { get; set; }
    [OpenApiType("object")]
    public JsonNode? Schedules { get; set; }

    [KubernetesOnly("the local runtime keeps repositories on disk under the state directory")]
    [OpenApiType("object")]
    public JsonNode? Volume { get; set; }

    [OpenApiType("object")]
    public JsonNode? S3 { get; set; }

    [OpenApiType("object")]
    public JsonNode? Gcs { get; set; }

    [OpenApiType("object")]
    public JsonNode? Azure { get; set; }
}
