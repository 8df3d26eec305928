namespace Tusk.Api;

/// <summary>One backup run: asked for by a user ("manual") or a schedule, running or finished.</summary>
public sealed record BackupJob(
    string Id,
    string Repo,
    string Type,
    string Reason,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt = null,
    bool? Succeeded = null,
    string? Message = null);
