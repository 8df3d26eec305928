namespace Tusk.Api;

/// <summary>The next backup a schedule will take: full, diff or incr, and when.</summary>
public sealed record ScheduledBackup(string Type, DateTimeOffset At);
