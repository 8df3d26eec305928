namespace Tusk.Api;

/// <summary>Connection poolers in front of the cluster, in PGO's shape (spec.proxy.pgBouncer).</summary>
public sealed class ProxySpec
{
    public PgBouncerSpec? PgBouncer { get; set; }
}
