using System.Text.Json;
using System.Text.Json.Serialization;
using Tusk.Api;
using Tusk.Images.Checking;

namespace Tusk;

/// <summary>
/// Serialization code generated at build time for what short commands read and print most: the
/// clusters that `tusk get` and `describe` read from the agent, and `tusk images check -o json`
/// (also run before every `tusk apply`). Such a command then neither reflects over the types nor
/// emits code at start-up. Every other type falls back to reflection (<see cref="Json.Options"/>
/// chains the two), so the output is the same either way.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(IReadOnlyList<ImageCheckResult>))]
[JsonSerializable(typeof(List<PostgresCluster>))]
[JsonSerializable(typeof(PostgresCluster))]
internal sealed partial class GeneratedJson : JsonSerializerContext;
