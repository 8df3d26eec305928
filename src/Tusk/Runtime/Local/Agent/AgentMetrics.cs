using System.Globalization;
using System.Text;
using Tusk.Api;

namespace Tusk.Runtime.Local.Agent;

/// <summary>
/// The agent's Prometheus metrics in the text exposition format, from the clusters' status and
/// the reconcile counters. Pure, so names and labels are unit-tested.
/// </summary>
public static class AgentMetrics
{
    public static string Render(IReadOnlyList<PostgresCluster> clusters, IReadOnlyDictionary<string, ReconcileCounters> counters)
    {
        var text = new StringBuilder();
        Family(text, "tusk_reconciles_total", "counter", "Reconcile cycles run for the cluster.",
            clusters.Select(c => (Labels(c), (double)Counter(counters, c).Reconciles)));
        Family(text, "tusk_reconcile_errors_total", "counter", "Reconcile cycles that failed with an error.",
            clusters.Select(c => (Labels(c), (double)Counter(counters, c).Errors)));
        Family(text, "tusk_reconcile_seconds_total", "counter", "Time spent reconciling the cluster.",
            clusters.Select(c => (Labels(c), Counter(counters, c).Seconds)));
        Family(text, "tusk_reconcile_last_seconds", "gauge", "Duration of the cluster's last reconcile cycle.",
            clusters.Select(c => (Labels(c), Counter(counters, c).LastSeconds)));
        Family(text, "tusk_cluster_ready", "gauge", "1 when the cluster's phase is Ready.",
            clusters.Select(c => (Labels(c), c.Status?.Phase == ClusterPhases.Ready ? 1.0 : 0.0)));

        var instances = clusters.SelectMany(c => (c.Status?.Instances ?? []).Select(i => (Cluster: c, Instance: i))).ToList();
        Family(text, "tusk_instance_up", "gauge", "1 when the instance's Patroni runs and reports PostgreSQL running or streaming.",
            instances.Select(x => (Labels(x.Cluster, x.Instance), x.Instance.State is "running" or "streaming" ? 1.0 : 0.0)));
        Family(text, "tusk_instance_role", "gauge", "1 for the instance's current role (leader, replica, sync_standby, unknown).",
            instances.Select(x => (Labels(x.Cluster, x.Instance) + $",role=\"{Escape(x.Instance.Role)}\"", 1.0)));
        Family(text, "tusk_instance_lag_bytes", "gauge", "Replay lag behind the leader, in bytes.",
            instances.Where(x => x.Instance.LagBytes is not null).Select(x => (Labels(x.Cluster, x.Instance), (double)x.Instance.LagBytes!.Value)));
        Family(text, "tusk_instance_timeline", "gauge", "The instance's PostgreSQL timeline.",
            instances.Where(x => x.Instance.Timeline is not null).Select(x => (Labels(x.Cluster, x.Instance), (double)x.Instance.Timeline!.Value)));
        return text.ToString();
    }

    private static ReconcileCounters Counter(IReadOnlyDictionary<string, ReconcileCounters> counters, PostgresCluster cluster) =>
        counters.TryGetValue(cluster.Key, out var c) ? c : new ReconcileCounters();

    private static void Family(StringBuilder text, string name, string type, string help, IEnumerable<(string Labels, double Value)> samples)
    {
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n");
        foreach (var (labels, value) in samples)
        {
            text.Append(CultureInfo.InvariantCulture, $"{name}{{{labels}}} {value.ToString("R", CultureInfo.InvariantCulture)}\n");
        }
    }

    private static string Labels(PostgresCluster cluster) =>
        $"namespace=\"{Escape(cluster.Metadata.Namespace ?? ClusterDefaults.Namespace)}\",cluster=\"{Escape(cluster.Metadata.Name ?? "")}\"";

    private static string Labels(PostgresCluster cluster, InstanceStatus instance) => Labels(cluster) + $",instance=\"{Escape(instance.Name)}\"";

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
