using System.Net;
using System.Text;

namespace Tusk.Kubernetes.Controller;

/// <summary>
/// The operator's HTTP endpoints for the kubelet and Prometheus: /healthz (the process answers),
/// /readyz (it has reached the API server: it leads with its cluster watch synced, or stands by),
/// /metrics (<see cref="OperatorMetrics"/>). Three plain GETs on <see cref="HttpListener"/>:
/// ASP.NET Core's host cost the idle operator 20 MiB of resident memory for them (81 → 61 MiB,
/// measured with bench/Tusk.Bench --only kube).
/// </summary>
public sealed class ProbeServer : IAsyncDisposable
{
    public const int DefaultPort = 8081;

    private readonly HttpListener _listener;
    private readonly OperatorMetrics _metrics;
    private readonly Func<bool> _reachedApiServer;
    private readonly Task _loop;

    private ProbeServer(HttpListener listener, OperatorMetrics metrics, Func<bool> reachedApiServer)
    {
        _listener = listener;
        _metrics = metrics;
        _reachedApiServer = reachedApiServer;
        _loop = Task.Run(ServeAsync);
    }

    public static Task<ProbeServer> StartAsync(IPEndPoint endpoint, OperatorMetrics metrics, Func<bool> reachedApiServer)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var listener = new HttpListener();
        // "+" is every address, as 0.0.0.0 is for a socket.
        var host = endpoint.Address.Equals(IPAddress.Any) || endpoint.Address.Equals(IPAddress.IPv6Any) ? "+"
            : endpoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]" : endpoint.Address.ToString();
        listener.Prefixes.Add($"http://{host}:{endpoint.Port}/");
        listener.Start();
        return Task.FromResult(new ProbeServer(listener, metrics, reachedApiServer));
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }

            try
            {
                var (status, contentType, body) = Answer(context.Request.HttpMethod, context.Request.Url?.AbsolutePath ?? "");
                var bytes = Encoding.UTF8.GetBytes(body);
                context.Response.StatusCode = status;
                context.Response.ContentType = contentType;
                context.Response.ContentLength64 = bytes.Length;
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The prober hung up; the next one gets its answer.
            }
        }
    }

    private (int Status, string ContentType, string Body) Answer(string method, string path)
    {
        const string text = "text/plain; charset=utf-8";
        if (method != "GET")
        {
            return (405, text, "only GET");
        }

        return path switch
        {
            "/healthz" => (200, text, "ok"),
            "/readyz" => _reachedApiServer() && (!_metrics.IsLeader || _metrics.IsSynced)
                ? (200, text, "ok")
                : (503, text, "not ready: the API server has not answered yet, or the cluster watch has not synced"),
            "/metrics" => (200, "text/plain; version=0.0.4", _metrics.ToPrometheusText()),
            _ => (404, text, "not found: /healthz, /readyz and /metrics are served here"),
        };
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
