using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
namespace Tusk.Api;

/// <summary>High-availability settings, handed to Patroni.</summary>
public sealed class PatroniSpec
{
    /// <summary>Patroni's ttl: how long a leader lease lasts without renewal.</summary>
    [Range(PatroniTimings.MinimumTtl, int.MaxValue)]
    [DefaultValue(ClusterDefaults.LeaderLeaseDurationSeconds)]
    public int? LeaderLeaseDurationSeconds { get; set; }

    /// <summary>Patroni's loop_wait: how often each member runs its HA cycle.</summary>
    [Range(1, int.MaxValue)]
    [DefaultValue(ClusterDefaults.SyncPeriodSeconds)]
    public int? SyncPeriodSeconds { get; set; }

    /// <summary>true: a commit is acknowledged only once a standby has it, so failover loses none.</summary>
    [DefaultValue(false)]
    public bool? SynchronousMode { get; set; }

    public PatroniDynamicConfiguration? DynamicConfiguration { get; set; }

    [KubernetesOnly("the local runtime uses its own etcd")]
    [Range(1024, 65535)]
    public int? Port { get; set; }
}
