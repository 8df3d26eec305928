using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tusk.Kubernetes.Controller;

/// <summary>
/// The operator's HTTP endpoints for the kubelet and Prometheus: /healthz (the process answers),
/// /readyz (it has reached the API server: it leads with its cluster watch synced, or stands by),
/// /metrics (<see cref="OperatorMetrics"/>).
/// </summary>
public static class ProbeServer
{
    public const int DefaultPort = 8081;

    public static async Task<WebApplication> StartAsync(IPEndPoint endpoint, OperatorMetrics metrics, Func<bool> reachedApiServer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(endpoint));
        var app = builder.Build();
        app.MapGet("/healthz", () => "ok");
        app.MapGet("/readyz", () => reachedApiServer() && (!metrics.IsLeader || metrics.IsSynced)
            ? Results.Text("ok")
            : Results.Text("not ready: the API server has not answered yet, or the cluster watch has not synced", statusCode: 503));
        app.MapGet("/metrics", () => Results.Text(metrics.ToPrometheusText(), "text/plain; version=0.0.4"));
        await app.StartAsync();
        return app;
    }
}
