using Tusk.Api;
using Tusk.Runtime.Local.Clients;

namespace Tusk.Runtime.Local;

/// <summary>What one reconcile cycle saw: Patroni's member list, who streams from the leader, whether the endpoint takes writes, pgBackRest's words when WAL archiving fails, and the status of a restore still pending, running or failed (in place, so `tusk restore --abort` can undo it, or through Patroni's bootstrap).</summary>
public sealed record Observation(
    IReadOnlyList<PatroniMember>? Members,
    IReadOnlySet<string> Streaming,
    bool EndpointWritable,
    bool UsersApplied,
    IReadOnlyDictionary<string, int?> PatroniPids,
    string? Diagnosis,
    string? ArchiveError = null,
    RestoreStatus? PendingRestore = null,
    bool RestoreInPlace = false);
