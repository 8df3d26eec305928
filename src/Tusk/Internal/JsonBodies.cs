using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Tusk;

/// <summary>
/// Untyped JSON request and response bodies (etcd's gateway, Patroni's REST API) through the
/// JsonNode types' own generated metadata: what PostAsJsonAsync and ReadFromJsonAsync did for a
/// JsonObject by reflection, the same bytes on the wire.
/// </summary>
public static class JsonBodies
{
    public static Task<HttpResponseMessage> PostAsync(HttpClient http, string url, JsonObject body, CancellationToken cancel) =>
        http.PostAsJsonAsync(url, body, JsonNodeContext.Default.JsonObject, cancel);

    public static Task<JsonObject?> ReadAsync(HttpContent content, CancellationToken cancel) =>
        content.ReadFromJsonAsync(JsonNodeContext.Default.JsonObject, cancel);

    public static Task<JsonObject?> GetAsync(HttpClient http, string url, CancellationToken cancel) =>
        http.GetFromJsonAsync(url, JsonNodeContext.Default.JsonObject, cancel);
}
