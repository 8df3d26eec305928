using Tusk.Api;
using Tusk.Planning;

namespace Tusk.Kubernetes.Builders;

/// <summary>
/// Everything the builders need, gathered by the controller beforehand so the builders stay
/// pure: the defaulted resource and its plan, the resource's UID (owner references, names),
/// decisions from API discovery, and secret material the controller generated or read back
/// (builders never generate passwords or keys: that would make them impure).
/// </summary>
public sealed record BuildRequest(
    PostgresCluster Cluster,
    ClusterPlan Plan,
    string Uid,
    string Image,
    string PodDisruptionBudgetApiVersion,
    IReadOnlyDictionary<string, string> UserPasswords,
    InternalPasswords Internal,
    ClusterCertificates Certificates)
{
    /// <summary>pgBackRest's image (<see cref="SidecarImages.PgBackRest"/>); needed when backups are on.</summary>
    public string? PgBackRestImage { get; init; }

    /// <summary>postgres_exporter's image (<see cref="SidecarImages.Exporter"/>); needed when the exporter is on.</summary>
    public string? ExporterImage { get; init; }

    /// <summary>PgBouncer's image (<see cref="SidecarImages.PgBouncer"/>); needed when pooling is on.</summary>
    public string? PgBouncerImage { get; init; }

    /// <summary>Instance sets held above their spec's replicas until Patroni has moved the primary off the pods a scale-down removes (Controller.ScaleDownGuard).</summary>
    public IReadOnlyDictionary<string, int> HeldReplicas { get; init; } = new Dictionary<string, int>();

    public string Name => Plan.Name;
    public string Namespace => Plan.Namespace;
}
