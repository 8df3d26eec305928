using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;

namespace Tusk.Api;

/// <summary>What the user asks for. Shaped like Crunchy PGO v5's spec so its users feel at home.</summary>
public sealed class ClusterSpec
{
    [Range(11, 17)]
    [DefaultValue(ClusterDefaults.PostgresVersion)]
    public int? PostgresVersion { get; set; }

    [KubernetesOnly("the local runtime runs the PostgreSQL binaries installed on this machine")]
    public string? Image { get; set; }

    [KubernetesOnly("the local runtime needs no registry credentials")]
    [OpenApiType("array")]
    public JsonNode? ImagePullSecrets { get; set; }

    [KubernetesOnly("the local runtime starts no images")]
    [AllowedValues("Always", "IfNotPresent", "Never")]
    public string? ImagePullPolicy { get; set; }

    /// <summary>The primary endpoint's port; the replicas endpoint listens on the next one.</summary>
    [Range(1024, 65534)]
    [DefaultValue(ClusterDefaults.Port)]
    public int? Port { get; set; }

    public List<InstanceSet>? Instances { get; set; }
    public PatroniSpec? Patroni { get; set; }
    public List<UserSpec>? Users { get; set; }
    public BackupsSpec? Backups { get; set; }

    /// <summary>Start from another cluster's backup instead of an empty database.</summary>
    public DataSourceSpec? DataSource { get; set; }
    public ProxySpec? Proxy { get; set; }
    public MonitoringSpec? Monitoring { get; set; }

    [FieldName("customTLS")]
    [System.Text.Json.Serialization.JsonPropertyName("customTLS")]
    public CustomTlsSpec? CustomTls { get; set; }

    [FieldName("customTLSSecret")]
    [System.Text.Json.Serialization.JsonPropertyName("customTLSSecret")]
    [KubernetesOnly("the local runtime reads no Secrets; give the files in spec.customTLS")]
    [OpenApiType("object")]
    public JsonNode? CustomTlsSecret { get; set; }

    /// <summary>true stops every instance and keeps the data; false (the default) runs them.</summary>
    [DefaultValue(false)]
    public bool? Shutdown { get; set; }

    [KubernetesOnly("the local runtime has no Kubernetes metadata to propagate")]
    [OpenApiType("object")]
    public JsonNode? Metadata { get; set; }

    /// <summary>Whether deleting the cluster deletes its volume claims too (default: Retain).</summary>
    [KubernetesOnly("the local runtime keeps data on `tusk delete cluster` unless --purge")]
    public VolumeClaimRetentionPolicy? PersistentVolumeClaimRetentionPolicy { get; set; }
}
