namespace Tusk.Api;

/// <summary>Backup settings. pgBackRest: WAL archiving from every member, scheduled and manual backups, point-in-time restore and clones.</summary>
public sealed class BackupsSpec
{
    public PgBackRestSpec? Pgbackrest { get; set; }
}
