using Tusk.Api;

namespace Tusk.Planning.Backups;

/// <summary>
/// A repository's status as both runtimes report it: pgBackRest's word on its health, its
/// newest backup of each type, and its next scheduled run. Pure.
/// </summary>
public static class RepoStatuses
{
    public static RepoStatus Of(RepoPlan repo, bool ok, string message, IReadOnlyList<BackupRecord> records, DateTimeOffset now)
    {
        BackupRef? Newest(string type) => records
            .Where(b => b.Repo == repo.Name && b.Type == type)
            .OrderBy(b => b.StoppedAt)
            .Select(b => new BackupRef(b.Label, b.StoppedAt))
            .LastOrDefault();
        return new RepoStatus(repo.Name, ok, message, Newest("full"), Newest("diff"), Newest("incr"), NextScheduled(repo, now));
    }

    /// <summary>The first run of any of the repository's schedules after <paramref name="now"/>; null without schedules.</summary>
    public static ScheduledBackup? NextScheduled(RepoPlan repo, DateTimeOffset now) => repo.Schedules
        .Select(s => BackupSchedule.Next(s.Cron, now) is { } at ? new ScheduledBackup(s.Type, at) : null)
        .OfType<ScheduledBackup>()
        .OrderBy(s => s.At)
        .FirstOrDefault();
}
