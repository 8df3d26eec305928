using Tusk.Runtime.Local.Clients;

namespace Tusk.Runtime.Local;

/// <summary>What one reconcile cycle saw: Patroni's member list, who streams from the leader, whether the endpoint takes writes, and pgBackRest's words when WAL archiving fails.</summary>
public sealed record Observation(
    IReadOnlyList<PatroniMember>? Members,
    IReadOnlySet<string> Streaming,
    bool EndpointWritable,
    bool UsersApplied,
    IReadOnlyDictionary<string, int?> PatroniPids,
    string? Diagnosis,
    string? ArchiveError = null);
