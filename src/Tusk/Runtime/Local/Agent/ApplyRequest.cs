namespace Tusk.Runtime.Local.Agent;

/// <summary>A manifest file sent to the agent: its name (for file:line:column) and its text.</summary>
public sealed record ApplyRequest(string File, string Text, bool DryRun);
