namespace Tusk.Runtime.Local.Agent;

/// <summary>The answer to switchover, failover, delete and shutdown: did it work, and a sentence saying what happened.</summary>
public sealed record ActionResponse(bool Ok, string Message);
