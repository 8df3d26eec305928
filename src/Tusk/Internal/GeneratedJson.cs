using System.Text.Json;
using System.Text.Json.Serialization;
using Tusk.Api;
using Tusk.Environments;
using Tusk.Images.Checking;
using Tusk.Images.Discovery;
using Tusk.Planning;
using Tusk.Runtime.Local;
using Tusk.Runtime.Local.Agent;
using Tusk.Runtime.Local.Clients;

namespace Tusk;

/// <summary>
/// Serialization code generated at build time for every type Tusk writes or reads as JSON with
/// <see cref="Json.Options"/>: neither reflection nor code emitted at run time (native AOT has
/// neither; short commands also start faster). A type serialized by its parameter
/// (<see cref="Json.Serialize{T}(T)"/>) must be listed here, and so must every type that can
/// appear as an <c>object</c> value (Patroni's configuration is a tree of dictionaries), or
/// serialization throws NotSupportedException, in tests as in the AOT binary.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(IReadOnlyList<ImageCheckResult>))]
[JsonSerializable(typeof(IReadOnlyList<ImageSummary>))]
[JsonSerializable(typeof(List<PostgresCluster>))]
[JsonSerializable(typeof(IReadOnlyList<PostgresCluster>))]
[JsonSerializable(typeof(PostgresCluster))]
[JsonSerializable(typeof(ClusterSpec))]
[JsonSerializable(typeof(ClusterStatus))]
[JsonSerializable(typeof(ClusterState))]
[JsonSerializable(typeof(List<BackupRecord>))]
[JsonSerializable(typeof(IReadOnlyList<BackupRecord>))]
[JsonSerializable(typeof(KubeEnvironment))]
[JsonSerializable(typeof(IReadOnlyList<KubeEnvironment>))]
[JsonSerializable(typeof(List<PatroniMember>))]
[JsonSerializable(typeof(IReadOnlyList<UserPlan>))]
[JsonSerializable(typeof(List<KeyValuePair<string, string>>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(ApplyRequest))]
[JsonSerializable(typeof(ApplyResponse))]
[JsonSerializable(typeof(ActionResponse))]
[JsonSerializable(typeof(BackupRequest))]
[JsonSerializable(typeof(RestoreRequest))]
// Patroni's configuration (PatroniConfigBuilder): dictionaries whose values are any of these.
[JsonSerializable(typeof(Dictionary<string, object>))]
[JsonSerializable(typeof(object[]))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(bool))]
public sealed partial class GeneratedJson : JsonSerializerContext;
