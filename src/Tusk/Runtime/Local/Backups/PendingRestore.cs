using Tusk.Planning.Backups;

namespace Tusk.Runtime.Local.Backups;

/// <summary>
/// A restore the agent has begun: the repository to read (this cluster's own, or the source's
/// for a clone), where to stop, and the data directories set aside until the restored primary
/// leads (then they are deleted).
/// </summary>
/// <param name="Member">
/// The member the agent restores itself while Patroni is paused (a restore in place); null
/// when Patroni's bootstrap restores (a clone, or a cluster whose Patroni could not be paused).
/// </param>
/// <param name="Recovering">The agent has started that member's PostgreSQL, which recovers up to the target.</param>
/// <param name="Aborting">`tusk restore --abort`: the data from before the restore is back in place and that member, the former primary, starts on it.</param>
public sealed record PendingRestore(string RepoPath, RestoreTarget Target, DateTimeOffset StartedAt, IReadOnlyList<string> SetAside, string? Member = null, bool Recovering = false, bool Aborting = false);
