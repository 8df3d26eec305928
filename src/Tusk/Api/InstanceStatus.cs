namespace Tusk.Api;

/// <summary>One member as observed: its role in replication and how far behind it is.</summary>
public sealed class InstanceStatus
{
    public string Name { get; set; } = "";
    public string InstanceSet { get; set; } = "";

    /// <summary>leader, sync_standby or replica (Patroni's words).</summary>
    public string Role { get; set; } = "unknown";

    /// <summary>running, streaming, starting, stopped, down ...</summary>
    public string State { get; set; } = "unknown";
    public int? Timeline { get; set; }

    /// <summary>Replay lag in bytes behind the leader; null on the leader.</summary>
    public long? LagBytes { get; set; }
    public int Port { get; set; }
    public int? Pid { get; set; }

    /// <summary>The instance's postgres_exporter, when monitoring is on.</summary>
    public string? MetricsUrl { get; set; }
}
