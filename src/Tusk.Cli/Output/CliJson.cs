using System.Text.Json;
using System.Text.Json.Serialization;
using Tusk.Cli.Commands;

namespace Tusk.Cli.Output;

/// <summary>
/// Generated serialization for the CLI's own output types, with the same options as
/// <see cref="Json.Options"/> (<see cref="GeneratedJson"/> covers the library's types).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ImagesMirrorCommand.Report))]
internal sealed partial class CliJson : JsonSerializerContext;
