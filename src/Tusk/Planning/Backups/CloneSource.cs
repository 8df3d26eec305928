namespace Tusk.Planning.Backups;

/// <summary>The cluster a new cluster is cloned from, the repository to read, and where to stop replaying WAL.</summary>
public sealed record CloneSource(string Namespace, string Cluster, string? Repo, RestoreTarget Target);
