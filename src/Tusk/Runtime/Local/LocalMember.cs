using Tusk.Planning;

namespace Tusk.Runtime.Local;

/// <summary>A member placed on this machine: its ports (allocated once, then kept) and its directory.</summary>
public sealed record LocalMember(MemberPlan Plan, int PostgresPort, int RestPort, string Directory, int? ExporterPort = null)
{
    public string Name => Plan.Name;
    public string DataDirectory => DataDirectoryIn(Directory);

    /// <summary>Where a member's data directory is, from its directory alone (also for a member the spec no longer has).</summary>
    public static string DataDirectoryIn(string memberDirectory) => Path.Combine(memberDirectory, "data");
    public string SocketDirectory => Path.Combine(Directory, "run");
    public string TlsDirectory => Path.Combine(Directory, "tls");
    public string PatroniConfig => Path.Combine(Directory, "patroni.yml");
    public string PatroniLog => Path.Combine(Directory, "patroni.log");
    public string PatroniPidFile => Path.Combine(Directory, "patroni.pid");
    public string PgPassFile => Path.Combine(Directory, "pgpass");
    public string PostmasterPidFile => Path.Combine(DataDirectory, "postmaster.pid");
    public string ExporterLog => Path.Combine(Directory, "exporter.log");
    public string ExporterPidFile => Path.Combine(Directory, "exporter.pid");
    public string ExporterPasswordFile => Path.Combine(Directory, "exporter.pass");
    public string ExporterWebConfig => Path.Combine(Directory, "exporter-web.yml");
    public string PgBackRestConfig => Path.Combine(Directory, "pgbackrest.conf");
    public string PgBackRestRestoreConfig => Path.Combine(Directory, "pgbackrest-restore.conf");

    /// <summary>
    /// Where pgBackRest restores the member in a restore in place, beside the data directory,
    /// while the cluster still runs; moved into place once the old data is set aside.
    /// </summary>
    public string RestoreStagingDirectory => DataDirectory + ".restoring";

    /// <summary>The output of a PostgreSQL the agent started itself, to recover a restore in place.</summary>
    public string RestoreLog => Path.Combine(Directory, "restore-postgres.log");
    public string RestorePidFile => Path.Combine(Directory, "restore-postgres.pid");
    /// <summary>pgBackRest's spool (asynchronous archiving), log and lock directories.</summary>
    public string PgBackRestDirectory => Path.Combine(Directory, "pgbackrest");
    public string? MetricsUrl => ExporterPort is { } port ? $"http://127.0.0.1:{port}/metrics" : null;
}
