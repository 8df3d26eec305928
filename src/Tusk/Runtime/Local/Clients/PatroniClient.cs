using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
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
    public async Task<IReadOnlyList<PatroniMember>?> GetClusterAsync(int port, CancellationToken cancel)
    {
        try
        {
            var body = await http.GetFromJsonAsync<JsonObject>($"http://127.0.0.1:{port}/cluster", cancel);
            return body?["members"]?.Deserialize<List<PatroniMember>>(Json.Options) ?? [];
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    public Task<(bool Ok, string Message)> SwitchoverAsync(int port, string leader, string? candidate, CancellationToken cancel)
    {
        var body = new JsonObject { ["leader"] = leader };
        if (candidate is not null)
        {
            body["candidate"] = candidate;
        }

        return SendAsync(HttpMethod.Post, port, "switchover", body, cancel);
    }

    public Task<(bool Ok, string Message)> FailoverAsync(int port, string candidate, CancellationToken cancel) =>
        SendAsync(HttpMethod.Post, port, "failover", new JsonObject { ["candidate"] = candidate }, cancel);

    public Task<(bool Ok, string Message)> PatchConfigAsync(int port, JsonObject config, CancellationToken cancel) =>
        SendAsync(HttpMethod.Patch, port, "config", config, cancel);

    public Task<(bool Ok, string Message)> ReloadAsync(int port, CancellationToken cancel) =>
        SendAsync(HttpMethod.Post, port, "reload", null, cancel);

    private async Task<(bool Ok, string Message)> SendAsync(HttpMethod method, int port, string path, JsonObject? body, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(method, $"http://127.0.0.1:{port}/{path}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{restUser}:{restPassword}")));
        if (body is not null)
        {
            // A string body carries Content-Length; Patroni's HTTP server answers 411 to chunked requests.
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        try
        {
            using var response = await http.SendAsync(request, cancel);
            var text = (await response.Content.ReadAsStringAsync(cancel)).Trim();
            return (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, text);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (false, $"Patroni on port {port} did not answer: {e.Message}");
        }
    }
}
