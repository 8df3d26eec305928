namespace Tusk.Api;

/// <summary>What the runtime knows of backups: each repository's latest backups and next scheduled one, the job running, and archiving's health.</summary>
public sealed class BackupsStatus
{
    public List<RepoStatus> Repos { get; set; } = [];
    public BackupJob? Running { get; set; }
    public BackupJob? LastJob { get; set; }

    /// <summary>pgBackRest's own words when WAL archiving fails; null while it works.</summary>
    public string? ArchiveError { get; set; }
}
