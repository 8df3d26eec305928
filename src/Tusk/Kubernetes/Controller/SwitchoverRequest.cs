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
/// records the value acted on, so the same value never acts twice. With synchronousMode the key is
/// written only once the leader has a synchronous standby (Patroni drops it otherwise); until then
/// the request waits and is asked again.
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

    /// <summary>Patroni's synchronous state on Kubernetes: the ConfigMap &lt;scope&gt;-sync, annotations leader and sync_standby.</summary>
    public static string SyncStateName(ClusterPlan plan) => $"{ObjectNames.PatroniScope(plan.Name)}-sync";

    /// <summary>
    /// With synchronousMode only a synchronous standby of the current leader may take over, and
    /// Patroni drops a failover key it cannot act on ("members list is empty", measured on a real
    /// node right after a failover: the new leader had not yet named its standby). Null when the
    /// switchover can be asked for now; otherwise why not, and whether waiting can help.
    /// </summary>
    public static (string Reason, bool Wait)? SynchronousStandbyProblem(JsonObject? syncState, string primary, string? target)
    {
        var annotations = syncState?["metadata"]?["annotations"];
        var standbys = annotations?["leader"]?.GetValue<string>() == primary && annotations["sync_standby"]?.GetValue<string>() is { } list
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(s => s != primary).ToList()
            : [];
        if (standbys.Count == 0)
        {
            return ($"waiting for Patroni to name a synchronous standby of {primary} (with synchronousMode only one may take over)", true);
        }

        return target is not null && !standbys.Contains(target)
            ? ($"{target} is not a synchronous standby of {primary} (those are {string.Join(", ", standbys)}); with synchronousMode Patroni refuses any other target", false)
            : null;
    }

    private static string? Annotation(JsonObject resource, string name) => resource["metadata"]?["annotations"]?[name]?.GetValue<string>();
}
