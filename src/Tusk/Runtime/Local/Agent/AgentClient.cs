using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Tusk.Api;

namespace Tusk.Runtime.Local.Agent;

/// <summary>
/// The CLI's side of the agent API: HTTP over the agent's Unix socket. Starts the agent on
/// demand (a detached `tusk agent run`), so users never have to think about it.
/// </summary>
public sealed class AgentClient : IDisposable
{
    private readonly HttpClient _http;

    public AgentClient(TuskHome home)
    {
        Home = home;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancel) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(home.Socket), cancel);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://tusk-agent"), Timeout = TimeSpan.FromMinutes(2) };
    }

    public TuskHome Home { get; }

    public async Task<bool> IsRunningAsync(CancellationToken cancel)
    {
        if (!File.Exists(Home.Socket))
        {
            return false;
        }

        try
        {
            using var response = await _http.GetAsync("/v1/health", cancel);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>Starts `tusk agent run` detached unless an agent already answers. Returns false when it did not come up.</summary>
    public async Task<bool> EnsureRunningAsync(CancellationToken cancel)
    {
        if (await IsRunningAsync(cancel))
        {
            return true;
        }

        Directory.CreateDirectory(Home.Root);
        var (program, prefix) = SelfCommand();
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec setsid \"$@\" >>\"$TUSK_AGENT_LOG\" 2>&1 </dev/null");
        info.ArgumentList.Add("sh");
        info.ArgumentList.Add(program);
        foreach (var argument in prefix.Concat(["agent", "run"]))
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["TUSK_HOME"] = Home.Root;
        info.Environment["TUSK_AGENT_LOG"] = Home.AgentLog;
        using (Process.Start(info))
        {
        }

        // An agent answers once its first cycle is done, which may wait on a stuck process (up to 10 s each).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (await IsRunningAsync(cancel))
            {
                return true;
            }

            await Task.Delay(50, cancel);
        }

        return false;
    }

    /// <summary>How to run this same program again: the executable itself (apphost or native AOT), or `dotnet tusk.dll`.</summary>
    private static (string Program, string[] Prefix) SelfCommand()
    {
        var process = Environment.ProcessPath!;
        var entry = System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name;
        return Path.GetFileNameWithoutExtension(process) == "dotnet" && entry is not null
            ? (process, [Path.Combine(AppContext.BaseDirectory, entry + ".dll")])
            : (process, []);
    }

    public async Task<IReadOnlyList<PostgresCluster>> ListAsync(CancellationToken cancel) =>
        await _http.GetFromJsonAsync("/v1/clusters", Json.Types.ListPostgresCluster, cancel) ?? [];

    public async Task<PostgresCluster?> GetAsync(string ns, string name, CancellationToken cancel)
    {
        using var response = await _http.GetAsync($"/v1/clusters/{ns}/{name}", cancel);
        return await ClusterAsync(response, cancel);
    }

    private static async Task<PostgresCluster?> ClusterAsync(HttpResponseMessage response, CancellationToken cancel) =>
        response.StatusCode == HttpStatusCode.NotFound ? null : await response.Content.ReadFromJsonAsync(Json.Types.PostgresCluster, cancel);

    /// <summary>
    /// Reads the cluster over and over: the first read at once, each next one as soon as its
    /// status changes (a conditional GET the agent holds for up to a second), so a waiting
    /// command sees a change the moment the agent publishes it. Each call returns the cluster
    /// as last read (null: there is none).
    /// </summary>
    public Func<CancellationToken, Task<PostgresCluster?>> Follow(string ns, string name)
    {
        string? tag = null;
        PostgresCluster? last = null;
        return async cancel =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/clusters/{ns}/{name}?wait=1");
            if (tag is not null)
            {
                request.Headers.TryAddWithoutValidation("If-None-Match", tag);
            }

            using var response = await _http.SendAsync(request, cancel);
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return last;
            }

            tag = response.Headers.ETag?.ToString();
            if (tag is null)
            {
                await Task.Delay(100, cancel); // nothing to wait on (no such cluster): ask again, but not at once
            }

            return last = await ClusterAsync(response, cancel);
        };
    }

    public async Task<ApplyResponse> ApplyAsync(ApplyRequest request, CancellationToken cancel)
    {
        using var response = await _http.PostAsJsonAsync("/v1/apply", request, Json.Types.ApplyRequest, cancel);
        return (await response.Content.ReadFromJsonAsync(Json.Types.ApplyResponse, cancel))!;
    }

    /// <summary>The agent's Prometheus metrics, as served on /metrics.</summary>
    public Task<string> MetricsAsync(CancellationToken cancel) => _http.GetStringAsync("/metrics", cancel);

    public Task<ActionResponse> DeleteAsync(string ns, string name, bool purge, CancellationToken cancel) =>
        SendAsync(HttpMethod.Delete, $"/v1/clusters/{ns}/{name}?purge={(purge ? "true" : "false")}", cancel);

    public Task<ActionResponse> SwitchoverAsync(string ns, string name, string? to, CancellationToken cancel) =>
        SendAsync(HttpMethod.Post, $"/v1/clusters/{ns}/{name}/switchover" + (to is null ? "" : $"?to={Uri.EscapeDataString(to)}"), cancel);

    public Task<ActionResponse> FailoverAsync(string ns, string name, string to, CancellationToken cancel) =>
        SendAsync(HttpMethod.Post, $"/v1/clusters/{ns}/{name}/failover?to={Uri.EscapeDataString(to)}", cancel);

    public Task<ActionResponse> ShutdownAsync(bool stopClusters, CancellationToken cancel) =>
        SendAsync(HttpMethod.Post, $"/v1/shutdown?stopClusters={(stopClusters ? "true" : "false")}", cancel);

    public Task<ActionResponse> BackupAsync(string ns, string name, BackupRequest backup, CancellationToken cancel) =>
        SendAsync(HttpMethod.Post, $"/v1/clusters/{ns}/{name}/backups", cancel, JsonContent.Create(backup, Json.Types.BackupRequest));

    public Task<ActionResponse> RestoreAsync(string ns, string name, RestoreRequest restore, CancellationToken cancel) =>
        SendAsync(HttpMethod.Post, $"/v1/clusters/{ns}/{name}/restore", cancel, JsonContent.Create(restore, Json.Types.RestoreRequest));

    /// <summary>Every backup of a cluster, or the agent's reason why not.</summary>
    public async Task<(List<BackupRecord>? Backups, string Message)> ListBackupsAsync(string ns, string name, CancellationToken cancel)
    {
        using var response = await _http.GetAsync($"/v1/clusters/{ns}/{name}/backups", cancel);
        if (response.IsSuccessStatusCode)
        {
            return (await response.Content.ReadFromJsonAsync(Json.Types.ListBackupRecord, cancel), "");
        }

        var error = await response.Content.ReadFromJsonAsync(Json.Types.ActionResponse, cancel);
        return (null, error?.Message ?? $"the agent answered {(int)response.StatusCode}");
    }

    private async Task<ActionResponse> SendAsync(HttpMethod method, string path, CancellationToken cancel, HttpContent? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body };
        using var response = await _http.SendAsync(request, cancel);
        return await response.Content.ReadFromJsonAsync(Json.Types.ActionResponse, cancel)
            ?? new ActionResponse(false, $"the agent answered {(int)response.StatusCode} with no message");
    }

    public void Dispose() => _http.Dispose();
}
