namespace Tusk.Api;

/// <summary>One backup in a repository, as `pgbackrest info` describes it (sizes in bytes; WAL and LSN ranges it needs).</summary>
public sealed record BackupRecord(
    string Label,
    string Type,
    string Repo,
    DateTimeOffset StartedAt,
    DateTimeOffset StoppedAt,
    long Size,
    long RepoSize,
    string? WalStart,
    string? WalStop,
    string? LsnStart,
    string? LsnStop);
