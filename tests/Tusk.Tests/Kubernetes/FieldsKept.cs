using System.Text.Json.Nodes;

namespace Tusk.Tests.Kubernetes;

/// <summary>
/// Kubernetes 1.20 silently drops fields it does not know; comparing what was sent with what
/// the server stored finds a misspelt or misplaced field.
/// </summary>
internal static class FieldsKept
{
    public static List<string> Missing(JsonNode sent, JsonNode? stored)
    {
        var missing = new List<string>();
        Missing(sent, stored, "", missing);
        return missing;
    }

    /// <summary>Paths in <paramref name="sent"/> whose value the server did not keep as sent.</summary>
    private static void Missing(JsonNode? sent, JsonNode? stored, string path, List<string> missing)
    {
        switch (sent)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    Missing(value, (stored as JsonObject)?[key], $"{path}.{key}", missing);
                }

                break;
            case JsonArray a:
                var storedArray = stored as JsonArray;
                for (var i = 0; i < a.Count; i++)
                {
                    Missing(a[i], storedArray is not null && i < storedArray.Count ? storedArray[i] : null, $"{path}[{i}]", missing);
                }

                break;
            default:
                if (!JsonNode.DeepEquals(sent, stored))
                {
                    missing.Add($"{path} (sent {sent?.ToJsonString()}, stored {stored?.ToJsonString() ?? "nothing"})");
                }

                break;
        }
    }
}
