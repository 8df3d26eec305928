using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;

namespace Tusk.Api;

/// <summary>A group of identical PostgreSQL instances; with Patroni, one of all instances is the primary.</summary>
public sealed class InstanceSet
{
    [StringLength(63)]
    [RegularExpression(Validation.Dns1123.LabelPattern)]
    public string? Name { get; set; }
    [Range(1, 16)]
    [DefaultValue(ClusterDefaults.Replicas)]
    public int? Replicas { get; set; }

    [KubernetesOnly("the local runtime keeps data under the Tusk state directory")]
    [OpenApiType("object")]
    public JsonNode? DataVolumeClaimSpec { get; set; }

    [KubernetesOnly("the local runtime keeps WAL in the data directory")]
    [OpenApiType("object")]
    public JsonNode? WalVolumeClaimSpec { get; set; }

    [KubernetesOnly("the local runtime sets no resource limits")]
    [OpenApiType("object")]
    public JsonNode? Resources { get; set; }

    [KubernetesOnly("all local instances run on this machine")]
    [OpenApiType("object")]
    public JsonNode? Affinity { get; set; }

    [KubernetesOnly("all local instances run on this machine")]
    [OpenApiType("array")]
    public JsonNode? Tolerations { get; set; }

    [KubernetesOnly("all local instances run on this machine")]
    [OpenApiType("array")]
    public JsonNode? TopologySpreadConstraints { get; set; }

    [KubernetesOnly("all local instances run on this machine")]
    public string? PriorityClassName { get; set; }

    [KubernetesOnly("the local runtime has no Kubernetes metadata to propagate")]
    [OpenApiType("object")]
    public JsonNode? Metadata { get; set; }

    [KubernetesOnly("the local runtime has no pod disruption budgets")]
    [Range(0, int.MaxValue)]
    public int? MinAvailable { get; set; }
}
