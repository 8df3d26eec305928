namespace Tusk.Api;

/// <summary>PostgreSQL parameters and extra pg_hba rules, applied to every instance.</summary>
public sealed class PostgresqlDynamicConfiguration
{
    public Dictionary<string, string>? Parameters { get; set; }

    [FieldName("pg_hba")]
    [System.Text.Json.Serialization.JsonPropertyName("pg_hba")]
    public List<string>? PgHba { get; set; }
}
