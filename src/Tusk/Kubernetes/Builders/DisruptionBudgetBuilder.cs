using System.Text.Json.Nodes;

namespace Tusk.Kubernetes.Builders;

/// <summary>
/// A PodDisruptionBudget &lt;c&gt;-set-&lt;set&gt; per instance set with more than one instance
/// (minAvailable from the spec, else 1), so a node drain never takes all of a set's instances
/// at once. A set of one gets none unless the spec asks: a budget of 1 on a single pod would
/// block every drain. The API version (policy/v1, else policy/v1beta1) comes from discovery.
/// </summary>
public static class DisruptionBudgetBuilder
{
    public static IReadOnlyList<JsonObject> Build(BuildRequest r)
    {
        var budgets = new List<JsonObject>();
        foreach (var set in r.Cluster.Spec.Instances!)
        {
            var minAvailable = set.MinAvailable ?? (set.Replicas > 1 ? 1 : (int?)null);
            if (minAvailable is null || r.Plan.Shutdown)
            {
                continue;
            }

            var pdb = Meta.Object(r.PodDisruptionBudgetApiVersion, "PodDisruptionBudget",
                Meta.Owned(r, ObjectNames.DisruptionBudget(r.Name, set.Name!), Labels.For(r.Name, set.Name)));
            pdb["spec"] = new JsonObject
            {
                ["minAvailable"] = minAvailable,
                ["selector"] = new JsonObject
                {
                    ["matchLabels"] = new JsonObject { [Labels.Cluster] = r.Name, [Labels.InstanceSet] = set.Name },
                },
            };
            budgets.Add(pdb);
        }

        return budgets;
    }
}
