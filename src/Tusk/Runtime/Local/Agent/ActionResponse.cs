namespace Tusk.Runtime.Local.Agent;

/// <summary>The answer to switchover, failover, delete, shutdown, backup and restore: did it work, a sentence saying what happened, and the job it started (backups).</summary>
public sealed record ActionResponse(bool Ok, string Message, string? Id = null);
