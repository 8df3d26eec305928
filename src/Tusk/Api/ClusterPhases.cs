namespace Tusk.Api;

/// <summary>The values of <see cref="ClusterStatus.Phase"/>.</summary>
public static class ClusterPhases
{
    public const string Pending = "Pending";
    public const string Creating = "Creating";
    public const string Ready = "Ready";
    public const string Degraded = "Degraded";
    public const string Stopped = "Stopped";
}
