using Tusk.Api;

namespace Tusk.Kubernetes.Builders;

/// <summary>
/// The images of the containers beside PostgreSQL: the spec's, else the operator's
/// RELATED_IMAGE_PGBACKREST / RELATED_IMAGE_EXPORTER / RELATED_IMAGE_PGBOUNCER (OLM's
/// relatedImages), as the database image falls back to RELATED_IMAGE_POSTGRES_&lt;major&gt;.
/// Null when neither is set. Pure: the caller passes the operator's environment.
/// </summary>
public static class SidecarImages
{
    public const string PgBackRestVariable = "RELATED_IMAGE_PGBACKREST";
    public const string ExporterVariable = "RELATED_IMAGE_EXPORTER";
    public const string PgBouncerVariable = "RELATED_IMAGE_PGBOUNCER";

    public static string? PgBackRest(PostgresCluster cluster, IReadOnlyDictionary<string, string> relatedImages) =>
        cluster.Spec.Backups?.Pgbackrest?.Image ?? relatedImages.GetValueOrDefault(PgBackRestVariable);

    public static string? Exporter(PostgresCluster cluster, IReadOnlyDictionary<string, string> relatedImages) =>
        cluster.Spec.Monitoring?.Exporter?.Image ?? relatedImages.GetValueOrDefault(ExporterVariable);

    public static string? PgBouncer(PostgresCluster cluster, IReadOnlyDictionary<string, string> relatedImages) =>
        cluster.Spec.Proxy?.PgBouncer?.Image ?? relatedImages.GetValueOrDefault(PgBouncerVariable);

    /// <summary>The image, or an error that says where to set it (the builders refuse to guess an image).</summary>
    internal static string Require(string? image, string what, string field, string variable) =>
        image ?? throw new ArgumentException($"no {what} image in the build request: set {field}, or {variable} on the operator");
}
