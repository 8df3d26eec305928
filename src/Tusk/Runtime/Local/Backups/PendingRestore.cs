using Tusk.Planning.Backups;

namespace Tusk.Runtime.Local.Backups;

/// <summary>
/// A restore the agent has begun: the repository to read (this cluster's own, or the source's
/// for a clone), where to stop, and the data directories set aside until the restored primary
/// leads (then they are deleted).
/// </summary>
public sealed record PendingRestore(string RepoPath, RestoreTarget Target, DateTimeOffset StartedAt, IReadOnlyList<string> SetAside);
