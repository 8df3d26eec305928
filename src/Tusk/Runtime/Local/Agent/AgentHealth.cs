namespace Tusk.Runtime.Local.Agent;

/// <summary>What /v1/health answers: which process serves the socket, for which state directory.</summary>
public sealed record AgentHealth(int Pid, string Home);
