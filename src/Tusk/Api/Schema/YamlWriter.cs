using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Tusk.Api.Schema;

/// <summary>
/// JSON to block-style YAML, deterministic (keys in the order given) and readable: strings stay
/// plain where YAML reads them back as the same string, and are double-quoted (JSON-style)
/// otherwise.
/// </summary>
public static partial class YamlWriter
{
    public static string Write(JsonNode node)
    {
        var text = new StringBuilder();
        WriteNode(text, node, 0, inList: false);
        return text.ToString();
    }

    private static void WriteNode(StringBuilder text, JsonNode? node, int indent, bool inList)
    {
        switch (node)
        {
            case JsonObject o:
                var first = true;
                foreach (var (key, value) in o)
                {
                    if (!(first && inList))
                    {
                        text.Append(' ', indent);
                    }

                    first = false;
                    text.Append(Scalar(key)).Append(':');
                    WriteValue(text, value, indent);
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    text.Append(' ', indent).Append("- ");
                    if (item is JsonObject { Count: > 0 } or JsonArray { Count: > 0 })
                    {
                        WriteNode(text, item, indent + 2, inList: true);
                    }
                    else
                    {
                        text.Append(Inline(item)).Append('\n');
                    }
                }

                break;
            default:
                text.Append(Inline(node)).Append('\n');
                break;
        }
    }

    private static void WriteValue(StringBuilder text, JsonNode? value, int indent)
    {
        if (value is JsonObject { Count: > 0 })
        {
            text.Append('\n');
            WriteNode(text, value, indent + 2, inList: false);
        }
        else if (value is JsonArray { Count: > 0 })
        {
            text.Append('\n');
            WriteNode(text, value, indent, inList: false);
        }
        else
        {
            text.Append(' ').Append(Inline(value)).Append('\n');
        }
    }

    private static string Inline(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "{}",
        JsonArray => "[]",
        JsonValue v when v.TryGetValue<string>(out var s) => Scalar(s),
        _ => node.ToJsonString(),
    };

    private static string Scalar(string s) =>
        Plain().IsMatch(s) && !Reserved().IsMatch(s) ? s : JsonValue.Create(s).ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    [GeneratedRegex(@"^[A-Za-z_/][A-Za-z0-9_ ./()'-]*$")]
    private static partial Regex Plain();

    /// <summary>Words YAML 1.1 (which Kubernetes' YAML reader follows) would not read as strings.</summary>
    [GeneratedRegex(@"^(?i:y|n|yes|no|on|off|true|false|null)$|\s$|[.]$")]
    private static partial Regex Reserved();
}
