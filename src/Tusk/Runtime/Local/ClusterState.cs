using Tusk.Api;
using Tusk.Runtime.Local.Backups;

namespace Tusk.Runtime.Local;

/// <summary>
/// What the agent must remember about a cluster between runs: the ports it gave each member
/// (so they never move), the generation applied, and the hash of the users last created.
/// </summary>
public sealed class ClusterState
{
    public long Generation { get; set; }
    public Dictionary<string, MemberPorts> Members { get; set; } = [];
    public string? AppliedUsersHash { get; set; }
    public string? AppliedDynamicConfigHash { get; set; }
    public string? AppliedDynamicConfig { get; set; }
    public string? AppliedPgBouncerAuthHash { get; set; }
    public string? AppliedMonitorHash { get; set; }
    public bool Bootstrapped { get; set; }
    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>The repositories (hash) the stanza was last created for; null: stanza-create is due.</summary>
    public string? StanzaHash { get; set; }

    /// <summary>The last slot each schedule ran for, by "repoN/type", so a missed slot runs once after downtime.</summary>
    public Dictionary<string, DateTimeOffset> ScheduleSlots { get; set; } = [];
    public BackupJob? LastBackupJob { get; set; }

    /// <summary>A restore or clone in progress: until the restored primary leads, members bootstrap from the repository.</summary>
    public PendingRestore? Restore { get; set; }
    public RestoreStatus? LastRestore { get; set; }
}
