using Tusk.Kubernetes.Controller;

namespace Tusk.Tests.Kubernetes.Controller;

public sealed class OperatorMetricsTests
{
    [Fact]
    public void Metrics_are_written_in_prometheus_text_format()
    {
        var metrics = new OperatorMetrics { IsLeader = true };
        metrics.Reconciled(success: true, TimeSpan.FromMilliseconds(250));
        metrics.Reconciled(success: true, TimeSpan.FromMilliseconds(250));
        metrics.Reconciled(success: false, TimeSpan.FromSeconds(1));
        metrics.WatchError();
        var lines = metrics.ToPrometheusText().Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.Equal(
            [
                "tusk_reconcile_total{result=\"success\"} 2",
                "tusk_reconcile_total{result=\"error\"} 1",
                "tusk_reconcile_duration_seconds_total 1.5",
                "tusk_watch_errors_total 1",
                "tusk_leader 1",
            ],
            lines);
    }
}
