namespace Tusk.Api;

/// <summary>One repository: healthy or not (pgBackRest's message), its newest backup of each type, and the next scheduled one.</summary>
public sealed record RepoStatus(
    string Name,
    bool Ok,
    string Message,
    BackupRef? LastFull = null,
    BackupRef? LastDifferential = null,
    BackupRef? LastIncremental = null,
    ScheduledBackup? NextScheduled = null);
