namespace Tusk.Runtime.Local.Agent;

/// <summary>How often the agent reconciled one cluster, how long that took in all, and how often it failed. Updated under the agent's gate.</summary>
public sealed class ReconcileCounters
{
    public long Reconciles { get; private set; }
    public long Errors { get; private set; }
    public double Seconds { get; private set; }
    public double LastSeconds { get; private set; }

    public void Record(TimeSpan duration, bool failed)
    {
        Reconciles++;
        Errors += failed ? 1 : 0;
        Seconds += duration.TotalSeconds;
        LastSeconds = duration.TotalSeconds;
    }
}
