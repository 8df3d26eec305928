using System.Text.Json;
using System.Text.Json.Serialization;
using Tusk.Images.Checking;

namespace Tusk;

/// <summary>
/// Serialization code generated at build time for what short commands print most (`tusk images
/// check -o json`, also run before every `tusk apply`): such a command then neither reflects over
/// the types nor emits code at start-up. Every other type falls back to reflection
/// (<see cref="Json.Options"/> chains the two), so the output is the same either way.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(IReadOnlyList<ImageCheckResult>))]
internal sealed partial class GeneratedJson : JsonSerializerContext;
