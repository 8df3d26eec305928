using System.Text.Json.Nodes;

namespace Tusk.Api;

/// <summary>One PgBouncer that always reaches the current primary. Field names follow PGO; the pool settings are PgBouncer's own.</summary>
public sealed class PgBouncerSpec
{
    /// <summary>Where clients connect. Locally the default is spec.port + 2 (after the primary and replicas endpoints).</summary>
    public int? Port { get; set; }

    /// <summary>session (the default, as in PgBouncer), transaction or statement.</summary>
    public string? PoolMode { get; set; }

    public int? DefaultPoolSize { get; set; }
    public int? MaxClientConn { get; set; }
    public PgBouncerConfiguration? Config { get; set; }

    [KubernetesOnly("the local runtime runs one PgBouncer per cluster")]
    public int? Replicas { get; set; }

    [KubernetesOnly("the local runtime runs the installed pgbouncer")]
    public string? Image { get; set; }

    [KubernetesOnly("the local runtime has no Kubernetes metadata to propagate")]
    public JsonNode? Metadata { get; set; }
}
