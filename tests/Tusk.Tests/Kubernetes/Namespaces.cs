using System.Text.Json.Nodes;
using Tusk.Kubernetes.Client;

namespace Tusk.Tests.Kubernetes;

/// <summary>Each test works in a namespace of its own, so tests sharing one API server cannot see each other's objects.</summary>
internal static class Namespaces
{
    public static async Task<string> CreateAsync(KubeClient client, string prefix = "t")
    {
        var name = $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 13)];
        await client.CreateAsync(ApiResource.Namespace, null, new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject { ["name"] = name },
        });
        return name;
    }

    public static JsonObject ConfigMap(string name, params (string Key, string Value)[] data) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["data"] = new JsonObject(data.Select(d => KeyValuePair.Create(d.Key, (JsonNode?)d.Value))),
    };
}
