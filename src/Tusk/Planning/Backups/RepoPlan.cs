namespace Tusk.Planning.Backups;

/// <summary>One repository: repoN's N, the directory the user chose (null: the runtime's default) and its schedules.</summary>
public sealed record RepoPlan(string Name, int Index, string? Path, IReadOnlyList<ScheduledBackupPlan> Schedules);
