using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Tusk.Cli.Output;

/// <summary>-o table|json|yaml: tables for people, JSON and YAML (same field names as manifests) for scripts.</summary>
public static class OutputFormat
{
    public static readonly string[] Names = ["table", "json", "yaml"];

    /// <summary>Writes the value as JSON or YAML; false when the format is "table" (the caller prints its table).</summary>
    public static bool TryWriteStructured<T>(TextWriter output, string format, T value, JsonTypeInfo<T> type)
    {
        switch (format)
        {
            case "json":
                output.WriteLine(JsonSerializer.Serialize(value, type));
                return true;
            case "yaml":
                output.Write(YamlOutput.Write(JsonSerializer.SerializeToNode(value, type)));
                return true;
            default:
                return false;
        }
    }

    /// <summary>The same, for a type registered in <see cref="GeneratedJson"/> (NotSupportedException otherwise).</summary>
    public static bool TryWriteStructured<T>(TextWriter output, string format, T value) =>
        TryWriteStructured(output, format, value, Json.TypeInfo<T>());
}
