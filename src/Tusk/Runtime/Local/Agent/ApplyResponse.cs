namespace Tusk.Runtime.Local.Agent;

/// <summary>What apply did: every problem found (rendered with file:line:column), and per cluster whether it was created, changed or unchanged.</summary>
public sealed record ApplyResponse(bool Ok, IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings, IReadOnlyList<AppliedCluster> Clusters);
