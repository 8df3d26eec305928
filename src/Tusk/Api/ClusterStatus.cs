namespace Tusk.Api;

/// <summary>What the runtime observed, written by the reconciler after every cycle.</summary>
public sealed class ClusterStatus
{
    /// <summary>Pending, Creating, Ready, Degraded or Stopped.</summary>
    public string Phase { get; set; } = ClusterPhases.Pending;
    public long ObservedGeneration { get; set; }
    public List<Condition> Conditions { get; set; } = [];
    public List<InstanceStatus> Instances { get; set; } = [];
    public string? Primary { get; set; }
    public Endpoints? Endpoints { get; set; }

    /// <summary>The servers' certificates (each member's and the pooler's), with their expiry.</summary>
    public List<CertificateStatus>? Certificates { get; set; }

    /// <summary>Present when spec.backups is set.</summary>
    public BackupsStatus? Backups { get; set; }

    /// <summary>The last restore (in place) or clone.</summary>
    public RestoreStatus? Restore { get; set; }

    /// <summary>On Kubernetes, the last tusk.dev/trigger-switchover value the operator acted on (wrote Patroni's failover key for).</summary>
    public string? SwitchoverTrigger { get; set; }

    /// <summary>The last problem in plain words, with what to do about it.</summary>
    public string? LastError { get; set; }

    /// <summary>The sentence the last reconcile cycle ended with (Patroni-style).</summary>
    public string? LastOutcome { get; set; }
    public DateTimeOffset? CreatedAt { get; set; }
    public DateTimeOffset? UpdatedAt { get; set; }
}
