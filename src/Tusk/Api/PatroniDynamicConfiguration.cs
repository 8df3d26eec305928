namespace Tusk.Api;

/// <summary>The part of Patroni's dynamic (DCS) configuration that users may set.</summary>
public sealed class PatroniDynamicConfiguration
{
    public PostgresqlDynamicConfiguration? Postgresql { get; set; }
}
