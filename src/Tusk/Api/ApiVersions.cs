namespace Tusk.Api;

/// <summary>The API groups a PostgresCluster manifest may be written in.</summary>
public static class ApiVersions
{
    public const string Tusk = "tusk.dev/v1";

    /// <summary>Crunchy PGO v5's group: accepted for the fields Tusk supports, so its users' manifests apply unchanged.</summary>
    public const string Crunchy = "postgres-operator.crunchydata.com/v1beta1";

    public const string Kind = "PostgresCluster";

    public static bool IsSupported(string? apiVersion) => apiVersion is Tusk or Crunchy;
}
