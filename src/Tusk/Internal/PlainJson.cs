using System.Text.Json.Serialization;

namespace Tusk;

/// <summary>
/// Generated serialization with System.Text.Json's plain defaults (PascalCase, nulls written,
/// compact), for the few places that serialized with no options: the bytes stay what they were.
/// </summary>
[JsonSerializable(typeof(Dictionary<string, object>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(object[]))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(bool))]
internal sealed partial class PlainJson : JsonSerializerContext;
