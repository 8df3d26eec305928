using System.Text.Json.Nodes;

namespace Tusk.Api;

/// <summary>A group of identical PostgreSQL instances; with Patroni, one of all instances is the primary.</summary>
public sealed class InstanceSet
{
    public string? Name { get; set; }
    public int? Replicas { get; set; }

    [KubernetesOnly("the local runtime keeps data under the Tusk state directory")]
    public JsonNode? DataVolumeClaimSpec { get; set; }

    [KubernetesOnly("the local runtime keeps WAL in the data directory")]
    public JsonNode? WalVolumeClaimSpec { get; set; }

    [KubernetesOnly("the local runtime sets no resource limits")]
    public JsonNode? Resources { get; set; }

    [KubernetesOnly("all local instances run on this machine")]
    public JsonNode? Affinity { get; set; }

    [KubernetesOnly("all local instances run on this machine")]
    public JsonNode? Tolerations { get; set; }

    [KubernetesOnly("all local instances run on this machine")]
    public JsonNode? TopologySpreadConstraints { get; set; }

    [KubernetesOnly("all local instances run on this machine")]
    public string? PriorityClassName { get; set; }

    [KubernetesOnly("the local runtime has no Kubernetes metadata to propagate")]
    public JsonNode? Metadata { get; set; }

    [KubernetesOnly("the local runtime has no pod disruption budgets")]
    public int? MinAvailable { get; set; }
}
