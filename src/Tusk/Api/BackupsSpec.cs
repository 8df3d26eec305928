namespace Tusk.Api;

/// <summary>Backup settings. Accepted so PGO manifests apply; pgBackRest itself is run by a later release.</summary>
public sealed class BackupsSpec
{
    public PgBackRestSpec? Pgbackrest { get; set; }
}
