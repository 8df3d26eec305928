using System.Text.Json.Nodes;
using Tusk.Kubernetes.Builders;
using Tusk.Planning;

namespace Tusk.Kubernetes.Controller;

/// <summary>
/// A switchover asked for through the resource, as PGO does: a new value of the annotation
/// tusk.dev/trigger-switchover (with tusk.dev/switchover-target naming a pod, or none: Patroni
/// picks the healthiest replica) makes the operator write Patroni's failover key once — the
/// ConfigMap &lt;scope&gt;-failover with the annotations leader and member, as patronictl would.
/// Patroni's leader then hands over cleanly and removes the key; status.switchoverTrigger
/// records the value acted on, so the same value never acts twice.
/// </summary>
public static class SwitchoverRequest
{
    public const string TriggerAnnotation = "tusk.dev/trigger-switchover";
    public const string TargetAnnotation = "tusk.dev/switchover-target";

    public static string? Trigger(JsonObject resource) => Annotation(resource, TriggerAnnotation);

    public static string? Target(JsonObject resource) => Annotation(resource, TargetAnnotation) is { Length: > 0 } target ? target : null;

    /// <summary>Patroni's failover key, labelled so Patroni's selector (the cluster and its scope) finds it.</summary>
    public static JsonObject FailoverKey(ClusterPlan plan, string ns, string leader, string? target)
    {
        var scope = ObjectNames.PatroniScope(plan.Name);
        var annotations = new JsonObject { ["leader"] = leader };
        if (target is not null)
        {
            annotations["member"] = target;
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{scope}-failover",
                ["namespace"] = ns,
                ["labels"] = new JsonObject { [Labels.Cluster] = plan.Name, [PatroniConfigMapBuilder.ScopeLabel] = scope },
                ["annotations"] = annotations,
            },
        };
    }

    private static string? Annotation(JsonObject resource, string name) => resource["metadata"]?["annotations"]?[name]?.GetValue<string>();
}
