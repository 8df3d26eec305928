using System.Text.Json.Nodes;

namespace Tusk.Kubernetes.Client;

/// <summary>
/// A JSON Merge Patch (RFC 7386) that turns one object into another: the new values, and null
/// for every key the new object no longer has, at any depth (arrays are replaced whole). Pure.
/// </summary>
public static class JsonMergePatch
{
    public static JsonObject Between(JsonObject? before, JsonObject after)
    {
        var patch = new JsonObject();
        foreach (var (key, value) in after)
        {
            patch[key] = before?[key] is JsonObject old && value is JsonObject now ? Between(old, now) : value?.DeepClone();
        }

        foreach (var (key, _) in before ?? [])
        {
            if (!after.ContainsKey(key))
            {
                patch[key] = null;
            }
        }

        return patch;
    }
}
