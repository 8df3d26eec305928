namespace Tusk.Planning.Backups;

/// <summary>A backup type (full, diff or incr, pgBackRest's words) and its cron schedule.</summary>
public sealed record ScheduledBackupPlan(string Type, string Cron);
