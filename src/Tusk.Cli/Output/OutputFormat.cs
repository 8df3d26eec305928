using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Serialization;

namespace Tusk.Cli.Output;

/// <summary>-o table|json|yaml: tables for people, JSON and YAML (same field names as manifests) for scripts.</summary>
public static class OutputFormat
{
    public static readonly string[] Names = ["table", "json", "yaml"];

    /// <summary>Writes the value as JSON or YAML; false when the format is "table" (the caller prints its table).</summary>
    public static bool TryWriteStructured<T>(TextWriter output, string format, T value)
    {
        switch (format)
        {
            case "json":
                output.WriteLine(Json.Serialize(value));
                return true;
            case "yaml":
                var node = JsonSerializer.SerializeToNode(value, Json.Options);
                output.Write(new SerializerBuilder().Build().Serialize(Plain(node)));
                return true;
            default:
                return false;
        }
    }

    /// <summary>JsonNode to plain dictionaries, lists and scalars, which YamlDotNet writes naturally.</summary>
    private static object? Plain(JsonNode? node) => node switch
    {
        JsonObject o => o.ToDictionary(p => p.Key, p => Plain(p.Value)),
        JsonArray a => a.Select(Plain).ToList(),
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        JsonValue v => v.ToString(),
        _ => null,
    };
}
