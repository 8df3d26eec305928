namespace Tusk.Api;

/// <summary>Cron schedules (five fields, UTC) of one repository's backups, by type, as in PGO.</summary>
public sealed class PgBackRestSchedules
{
    public string? Full { get; set; }
    public string? Differential { get; set; }
    public string? Incremental { get; set; }
}
