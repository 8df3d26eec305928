using System.Text;
using System.Text.Json.Nodes;

namespace Tusk.Runtime.Local.Clients;

/// <summary>
/// The etcd v3 calls the agent needs, through etcd's JSON gateway (keys and values are base64
/// there): read and write a key, delete a key only if it still holds a given value, delete a prefix.
/// </summary>
public sealed class EtcdClient(HttpClient http, int port)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(3);

    private string Url(string path) => $"http://127.0.0.1:{port}/v3/{path}";

    public async Task<string?> GetAsync(string key, CancellationToken cancel)
    {
        using var timeout = Limited(cancel);
        using var response = await JsonBodies.PostAsync(http, Url("kv/range"), new JsonObject { ["key"] = B64(key) }, timeout.Token);
        response.EnsureSuccessStatusCode();
        var body = await JsonBodies.ReadAsync(response.Content, timeout.Token);
        var value = body?["kvs"]?[0]?["value"]?.GetValue<string>();
        return value is null ? null : Encoding.UTF8.GetString(Convert.FromBase64String(value));
    }

    public async Task PutAsync(string key, string value, CancellationToken cancel)
    {
        using var timeout = Limited(cancel);
        using var response = await JsonBodies.PostAsync(http, Url("kv/put"), new JsonObject { ["key"] = B64(key), ["value"] = B64(value) }, timeout.Token);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Deletes the key in one transaction only if its value is still <paramref name="expected"/>; true when it did.</summary>
    public async Task<bool> DeleteIfEqualsAsync(string key, string expected, CancellationToken cancel)
    {
        using var timeout = Limited(cancel);
        var txn = new JsonObject
        {
            ["compare"] = new JsonArray(new JsonObject { ["key"] = B64(key), ["target"] = "VALUE", ["result"] = "EQUAL", ["value"] = B64(expected) }),
            ["success"] = new JsonArray(new JsonObject { ["request_delete_range"] = new JsonObject { ["key"] = B64(key) } }),
        };
        using var response = await JsonBodies.PostAsync(http, Url("kv/txn"), txn, timeout.Token);
        response.EnsureSuccessStatusCode();
        var body = await JsonBodies.ReadAsync(response.Content, timeout.Token);
        return body?["succeeded"]?.GetValue<bool>() == true;
    }

    public async Task DeletePrefixAsync(string prefix, CancellationToken cancel)
    {
        using var timeout = Limited(cancel);
        var end = Encoding.UTF8.GetBytes(prefix);
        end[^1]++;
        using var response = await JsonBodies.PostAsync(http, Url("kv/deleterange"), new JsonObject { ["key"] = B64(prefix), ["range_end"] = Convert.ToBase64String(end) }, timeout.Token);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The caller's token, cancelled also after a few seconds: etcd on loopback answers at once or not at all.</summary>
    private static CancellationTokenSource Limited(CancellationToken cancel)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(Limit);
        return timeout;
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
