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
}
