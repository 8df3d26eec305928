namespace Tusk.Api;

/// <summary>Overrides for the [pgbouncer] section, by PgBouncer's own setting names (PGO's spec.proxy.pgBouncer.config.global).</summary>
public sealed class PgBouncerConfiguration
{
    public Dictionary<string, string>? Global { get; set; }
}
