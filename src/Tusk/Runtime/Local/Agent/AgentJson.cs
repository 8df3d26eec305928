using System.Text.Json;
using System.Text.Json.Serialization;
using Tusk.Api;

namespace Tusk.Runtime.Local.Agent;

/// <summary>
/// Generated serialization for what the agent's HTTP API reads and writes, with the options the
/// API has always used (ASP.NET Core's web defaults, nulls omitted, enums as numbers; the CLI's
/// <see cref="Json.Options"/> reads both). <see cref="AgentHost"/> resolves types only here, so
/// a route whose type is missing fails in tests as it would in the native AOT binary.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AgentHealth))]
[JsonSerializable(typeof(IReadOnlyList<PostgresCluster>))]
[JsonSerializable(typeof(PostgresCluster))]
[JsonSerializable(typeof(IReadOnlyList<BackupRecord>))]
[JsonSerializable(typeof(ApplyRequest))]
[JsonSerializable(typeof(ApplyResponse))]
[JsonSerializable(typeof(ActionResponse))]
[JsonSerializable(typeof(BackupRequest))]
[JsonSerializable(typeof(RestoreRequest))]
internal sealed partial class AgentJson : JsonSerializerContext;
