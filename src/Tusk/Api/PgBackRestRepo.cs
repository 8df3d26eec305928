using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;

namespace Tusk.Api;

/// <summary>One pgBackRest repository (repo1..repo4).</summary>
public sealed class PgBackRestRepo
{
    [Required]
    [AllowedValues("repo1", "repo2", "repo3", "repo4")]
    public string? Name { get; set; }

    /// <summary>Locally, the repository's directory (absolute). Default: backups/&lt;repo&gt; under the cluster's state directory.</summary>
    public string? Path { get; set; }

    /// <summary>When the agent (or operator) takes backups into this repository, in cron syntax (UTC).</summary>
    public PgBackRestSchedules? Schedules { get; set; }

    [KubernetesOnly("the local runtime keeps repositories on disk under the state directory")]
    [OpenApiType("object")]
    public JsonNode? Volume { get; set; }

    [KubernetesOnly("the local runtime keeps repositories in directories")]
    [OpenApiType("object")]
    public JsonNode? S3 { get; set; }

    [KubernetesOnly("the local runtime keeps repositories in directories")]
    [OpenApiType("object")]
    public JsonNode? Gcs { get; set; }

    [KubernetesOnly("the local runtime keeps repositories in directories")]
    [OpenApiType("object")]
    public JsonNode? Azure { get; set; }
}
