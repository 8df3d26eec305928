namespace Tusk.Api;

/// <summary>The last in-place restore or clone: its target, Running/Succeeded/Failed/Aborted, and when.</summary>
public sealed record RestoreStatus(
    string Target,
    string Phase,
    DateTimeOffset StartedAt,
    DateTimeOffset? CompletedAt = null,
    string? Message = null,
    int? Timeline = null);
