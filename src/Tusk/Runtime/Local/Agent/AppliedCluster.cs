namespace Tusk.Runtime.Local.Agent;

/// <summary>One cluster of an apply: "created", "configured", "unchanged" or "valid" (dry run), and the generation whose status to wait for.</summary>
public sealed record AppliedCluster(string Namespace, string Name, string Result, long Generation);
