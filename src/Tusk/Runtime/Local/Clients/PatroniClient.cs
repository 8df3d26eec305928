using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tusk.Runtime.Local.Clients;

/// <summary>
/// Patroni's REST API on loopback: the cluster view, switchover, failover and dynamic
/// configuration. Unsafe methods carry the generated REST credentials.
/// </summary>
public sealed class PatroniClient(HttpClient http, string restUser, string restPassword)
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(3);

    /// <summary>Switchover and failover answer once Patroni sees the new leader: up to 20 s with the default loop.</summary>
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(60);

    private const int ConflictAttempts = 10;
    private static readonly TimeSpan ConflictPause = TimeSpan.FromMilliseconds(20);

    public async Task<IReadOnlyList<PatroniMember>?> GetClusterAsync(int port, CancellationToken cancel)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(Quick);
            var body = await JsonBodies.GetAsync(http, $"http://127.0.0.1:{port}/cluster", timeout.Token);
            return body?["members"]?.Deserialize(Json.Types.ListPatroniMember) ?? [];
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Whether this member's Patroni has seen the cluster paused (maintenance mode) on its last loop; null when it does not answer.</summary>
    public async Task<bool?> IsPausedAsync(int port, CancellationToken cancel)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(Quick);
            var body = await JsonBodies.GetAsync(http, $"http://127.0.0.1:{port}/patroni", timeout.Token);
            return body?["pause"]?.GetValue<bool>() == true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// GET /: Patroni queries its PostgreSQL for the answer, once and without retrying, when it
    /// takes PostgreSQL for running. Only that query matters here, not the answer.
    /// </summary>
    public async Task QueryPostgresOnceAsync(int port, CancellationToken cancel)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(Quick);
            using var response = await http.GetAsync($"http://127.0.0.1:{port}/", timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // Patroni not answering has no connection to discard either.
        }
    }

    public Task<(bool Ok, string Message)> SwitchoverAsync(int port, string leader, string? candidate, CancellationToken cancel)
    {
        var body = new JsonObject { ["leader"] = leader };
        if (candidate is not null)
        {
            body["candidate"] = candidate;
        }

        return SendAsync(HttpMethod.Post, port, "switchover", body, cancel, Slow);
    }

    public Task<(bool Ok, string Message)> FailoverAsync(int port, string candidate, CancellationToken cancel) =>
        SendAsync(HttpMethod.Post, port, "failover", new JsonObject { ["candidate"] = candidate }, cancel, Slow);

    /// <summary>
    /// Merges <paramref name="config"/> into the cluster's dynamic configuration and wakes the
    /// member's loop. Patroni answers 409 when its cached copy of the configuration is older than
    /// etcd's: another member's PATCH changed it a moment before (seen here when the agent paused
    /// three members in turn; the restore then fell back to Patroni's slower bootstrap). Its
    /// cache catches up within milliseconds and the same merge applies again, so a conflict is
    /// tried again.
    /// </summary>
    public async Task<(bool Ok, string Message)> PatchConfigAsync(int port, JsonObject config, CancellationToken cancel)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (status, message) = await ExchangeAsync(HttpMethod.Patch, port, "config", config, cancel);
            if (status != HttpStatusCode.Conflict || attempt == ConflictAttempts)
            {
                return (Succeeded(status), message);
            }

            await Task.Delay(ConflictPause, cancel);
        }
    }

    /// <summary>Rebuilds the member from the leader with a fresh base backup (force: even while its PostgreSQL runs).</summary>
    public Task<(bool Ok, string Message)> ReinitializeAsync(int port, CancellationToken cancel) =>
        SendAsync(HttpMethod.Post, port, "reinitialize", new JsonObject { ["force"] = true }, cancel);

    public Task<(bool Ok, string Message)> ReloadAsync(int port, CancellationToken cancel) =>
        SendAsync(HttpMethod.Post, port, "reload", null, cancel);

    private async Task<(bool Ok, string Message)> SendAsync(HttpMethod method, int port, string path, JsonObject? body, CancellationToken cancel, TimeSpan? limit = null)
    {
        var (status, message) = await ExchangeAsync(method, port, path, body, cancel, limit);
        return (Succeeded(status), message);
    }

    private static bool Succeeded(HttpStatusCode? status) => status is HttpStatusCode.OK or HttpStatusCode.Accepted;

    /// <returns>Patroni's status code and answer; no status when it did not answer.</returns>
    private async Task<(HttpStatusCode? Status, string Message)> ExchangeAsync(HttpMethod method, int port, string path, JsonObject? body, CancellationToken cancel, TimeSpan? limit = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(limit ?? Quick);
        using var request = new HttpRequestMessage(method, $"http://127.0.0.1:{port}/{path}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{restUser}:{restPassword}")));
        if (body is not null)
        {
            // A string body carries Content-Length; Patroni's HTTP server answers 411 to chunked requests.
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        try
        {
            using var response = await http.SendAsync(request, timeout.Token);
            var text = (await response.Content.ReadAsStringAsync(timeout.Token)).Trim();
            return (response.StatusCode, text);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (null, $"Patroni on port {port} did not answer: {e.Message}");
        }
    }
}
