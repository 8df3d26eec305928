using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;

namespace Tusk.Api;

/// <summary>One PgBouncer that always reaches the current primary. Field names follow PGO; the pool settings are PgBouncer's own.</summary>
public sealed class PgBouncerSpec
{
    /// <summary>Where clients connect. Locally the default is spec.port + 2 (after the primary and replicas endpoints).</summary>
    [Range(1024, 65535)]
    public int? Port { get; set; }

    /// <summary>session (the default, as in PgBouncer), transaction or statement.</summary>
    [AllowedValues("session", "transaction", "statement")]
    [DefaultValue(ClusterDefaults.PoolMode)]
    public string? PoolMode { get; set; }

    [Range(1, 10000)]
    [DefaultValue(ClusterDefaults.DefaultPoolSize)]
    public int? DefaultPoolSize { get; set; }

    [Range(1, 100000)]
    [DefaultValue(ClusterDefaults.MaxClientConn)]
    public int? MaxClientConn { get; set; }

    public PgBouncerConfiguration? Config { get; set; }

    [KubernetesOnly("the local runtime runs one PgBouncer per cluster")]
    [Range(1, 16)]
    public int? Replicas { get; set; }

    [KubernetesOnly("the local runtime runs the installed pgbouncer")]
    public string? Image { get; set; }

    [KubernetesOnly("the local runtime has no Kubernetes metadata to propagate")]
    [OpenApiType("object")]
    public JsonNode? Metadata { get; set; }
}
