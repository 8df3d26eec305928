using System.Text.Json.Serialization;

namespace Tusk.Runtime.Local.Clients;

/// <summary>One member as Patroni's GET /cluster reports it.</summary>
public sealed class PatroniMember
{
    public string Name { get; set; } = "";
    public string Role { get; set; } = "";
    public string State { get; set; } = "";
    public int? Timeline { get; set; }
    public int? Port { get; set; }

    /// <summary>Bytes behind the leader, or "unknown" (hence the raw JSON).</summary>
    [JsonPropertyName("lag")]
    public System.Text.Json.JsonElement? Lag { get; set; }

    [JsonIgnore]
    public long? LagBytes => Lag is { ValueKind: System.Text.Json.JsonValueKind.Number } lag ? lag.GetInt64() : null;

    [JsonIgnore]
    public bool IsLeader => Role is "leader" or "master" or "standby_leader";
}
