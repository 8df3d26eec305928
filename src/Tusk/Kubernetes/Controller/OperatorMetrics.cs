using System.Globalization;
using System.Text;

namespace Tusk.Kubernetes.Controller;

/// <summary>
/// The operator's counters, served at /metrics in Prometheus' text format: reconciles by result,
/// their total duration, watch errors, and whether this replica leads. Thread-safe.
/// </summary>
public sealed class OperatorMetrics
{
    private long _succeeded;
    private long _failed;
    private long _watchErrors;
    private long _durationTicks;
    private int _leader;
    private int _synced;

    public long Succeeded => Interlocked.Read(ref _succeeded);
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>This replica holds the lease.</summary>
    public bool IsLeader
    {
        get => Volatile.Read(ref _leader) == 1;
        set => Volatile.Write(ref _leader, value ? 1 : 0);
    }

    /// <summary>The leader's PostgresCluster watch has listed everything at least once (or this replica stands by).</summary>
    public bool IsSynced
    {
        get => Volatile.Read(ref _synced) == 1;
        set => Volatile.Write(ref _synced, value ? 1 : 0);
    }

    public void Reconciled(bool success, TimeSpan duration)
    {
        Interlocked.Increment(ref success ? ref _succeeded : ref _failed);
        Interlocked.Add(ref _durationTicks, duration.Ticks);
    }

    public void WatchError() => Interlocked.Increment(ref _watchErrors);

    public string ToPrometheusText()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.Append("# HELP tusk_reconcile_total Reconcile cycles by result.\n# TYPE tusk_reconcile_total counter\n");
        text.Append(c, $"tusk_reconcile_total{{result=\"success\"}} {Succeeded}\n");
        text.Append(c, $"tusk_reconcile_total{{result=\"error\"}} {Failed}\n");
        text.Append("# HELP tusk_reconcile_duration_seconds_total Time spent reconciling.\n# TYPE tusk_reconcile_duration_seconds_total counter\n");
        text.Append(c, $"tusk_reconcile_duration_seconds_total {TimeSpan.FromTicks(Interlocked.Read(ref _durationTicks)).TotalSeconds:0.######}\n");
        text.Append("# HELP tusk_watch_errors_total Watch and list errors (each followed by a retry).\n# TYPE tusk_watch_errors_total counter\n");
        text.Append(c, $"tusk_watch_errors_total {Interlocked.Read(ref _watchErrors)}\n");
        text.Append("# HELP tusk_leader 1 while this replica holds the leader lease.\n# TYPE tusk_leader gauge\n");
        text.Append(c, $"tusk_leader {(IsLeader ? 1 : 0)}\n");
        return text.ToString();
    }
}
