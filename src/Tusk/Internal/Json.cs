using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Tusk;

/// <summary>
/// One JSON convention for the whole program: camelCase, nulls omitted, enums as strings (see
/// <see cref="GeneratedJson"/>). Every type is (de)serialized through code generated at build
/// time, never by reflection: that is what native AOT requires, and because the regular build
/// has no reflection fallback either, a type missing from <see cref="GeneratedJson"/> fails the
/// same way in tests as it would in the AOT binary.
/// </summary>
public static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    /// <summary>The generated metadata bound to <see cref="Options"/>: <c>Json.Types.PostgresCluster</c> and so on.</summary>
    public static readonly GeneratedJson Types = new(Options);

    public static string Serialize<T>(T value, JsonTypeInfo<T> type) => JsonSerializer.Serialize(value, type);

    public static T? Deserialize<T>(string text, JsonTypeInfo<T> type) => JsonSerializer.Deserialize(text, type);

    /// <summary>For a type known only by its parameter; throws NotSupportedException when it is not in <see cref="GeneratedJson"/>.</summary>
    public static JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)Types.Options.GetTypeInfo(typeof(T));

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, TypeInfo<T>());

    public static T? Deserialize<T>(string text) => JsonSerializer.Deserialize(text, TypeInfo<T>());
}
