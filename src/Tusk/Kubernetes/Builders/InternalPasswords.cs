namespace Tusk.Kubernetes.Builders;

/// <summary>
/// The passwords of Tusk's own roles: those Patroni uses itself, and, when their features are
/// on, the exporter's (<see cref="Planning.ClusterPlan.MonitorUser"/>) and PgBouncer's lookup
/// role (<see cref="Planning.PgBouncerPlan.AuthUser"/>). Null while the feature is off.
/// </summary>
/// <param name="RestApi">The password of Patroni's REST API (user <see cref="RestApiUser"/>): its unsafe endpoints (switchover, restart, reinitialize) answer only with it.</param>
public sealed record InternalPasswords(string Superuser, string Replication, string Rewind, string RestApi, string? Monitor = null, string? PgBouncer = null)
{
    public const string RestApiUser = "patroni";

    public override string ToString() => "InternalPasswords { <redacted> }";
}
