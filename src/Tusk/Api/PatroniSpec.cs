namespace Tusk.Api;

/// <summary>High-availability settings, handed to Patroni.</summary>
public sealed class PatroniSpec
{
    /// <summary>Patroni's ttl: how long a leader lease lasts without renewal.</summary>
    public int? LeaderLeaseDurationSeconds { get; set; }

    /// <summary>Patroni's loop_wait: how often each member runs its HA cycle.</summary>
    public int? SyncPeriodSeconds { get; set; }

    /// <summary>true: a commit is acknowledged only once a standby has it, so failover loses none.</summary>
    public bool? SynchronousMode { get; set; }

    public PatroniDynamicConfiguration? DynamicConfiguration { get; set; }

    [KubernetesOnly("the local runtime uses its own etcd")]
    public int? Port { get; set; }
}
