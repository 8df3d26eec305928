using System.Net;
using Tusk.Kubernetes.Controller;
using Tusk.Runtime.Local;

namespace Tusk.Tests.Kubernetes.Controller;

public sealed class ProbeServerTests
{
    [Fact]
    public async Task Probes_answer_on_every_address_when_told_0_0_0_0_and_readiness_follows_the_operator()
    {
        var port = PortAllocator.FreePort(new HashSet<int>());
        var metrics = new OperatorMetrics();
        var reached = false;
        await using var probes = await ProbeServer.StartAsync(new IPEndPoint(IPAddress.Any, port), metrics, () => reached);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        Assert.Equal("ok", await http.GetStringAsync("/healthz"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/readyz")).StatusCode);
        reached = true;
        metrics.IsLeader = true;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/readyz")).StatusCode);
        metrics.IsSynced = true;
        Assert.Equal("ok", await http.GetStringAsync("/readyz"));

        metrics.Reconciled(success: true, TimeSpan.FromMilliseconds(20));
        var text = await http.GetAsync("/metrics");
        Assert.Equal("text/plain; version=0.0.4", text.Content.Headers.ContentType?.ToString());
        Assert.Contains("tusk_reconcile_total{result=\"success\"} 1\n", await text.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/nothing")).StatusCode);
    }
}
