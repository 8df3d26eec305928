using System.Text.Json.Serialization;

namespace Tusk.Api;

/// <summary>The one resource Tusk runs: a PostgreSQL cluster, its users, and its high-availability settings.</summary>
public sealed class PostgresCluster
{
    public string? ApiVersion { get; set; }
    public string? Kind { get; set; }
    public ObjectMeta Metadata { get; set; } = new();
    public ClusterSpec Spec { get; set; } = new();

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ClusterStatus? Status { get; set; }

    /// <summary>"namespace/name": how the local runtime keys its clusters.</summary>
    [JsonIgnore]
    public string Key => $"{Metadata.Namespace ?? ClusterDefaults.Namespace}/{Metadata.Name}";
}
