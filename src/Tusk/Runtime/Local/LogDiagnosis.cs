using System.Text.RegularExpressions;
using Tusk.Api.Validation;

namespace Tusk.Runtime.Local;

/// <summary>
/// Turns the last lines of a member's log into a plain sentence with what to do, for the
/// failures users meet most (seed 004: a preloaded library missing from the installation).
/// </summary>
public static partial class LogDiagnosis
{
    public static string? Explain(string logTail, int postgresVersion)
    {
        if (MissingLibrary().Match(logTail) is { Success: true } library)
        {
            var name = Path.GetFileNameWithoutExtension(library.Groups[1].Value);
            return $"PostgreSQL cannot start: the library \"{name}\" named in shared_preload_libraries is not installed. Install {DebianPackages.ForLibrary(name, postgresVersion)} or remove it from spec.patroni.dynamicConfiguration.postgresql.parameters.shared_preload_libraries, then apply again.";
        }

        if (AddressInUse().Match(logTail) is { Success: true } address)
        {
            var port = address.Groups["port"].Value;
            return $"PostgreSQL cannot start: its port {port} is taken by another program. Stop that program (`ss -ltnp 'sport = :{port}'` shows it) and Tusk retries.";
        }

        if (InvalidParameter().Match(logTail) is { Success: true } parameter)
        {
            return $"PostgreSQL refused a parameter: {parameter.Groups[1].Value.Trim()}. Fix it in spec.patroni.dynamicConfiguration.postgresql.parameters and apply again.";
        }

        if (logTail.Contains("recovery ended before configured recovery target was reached", StringComparison.Ordinal))
        {
            return "the restore cannot reach its target: the repository's WAL ends before it. Restore to an earlier time (`tusk get backups` shows each backup's WAL range), and check that archiving works (status.backups.archiveError).";
        }

        if (logTail.Contains("unable to find backup set with stop time less than", StringComparison.Ordinal))
        {
            return "no backup in the repository ended in an earlier second than the restore target (pgBackRest compares whole seconds); choose a later time (`tusk get backups` lists each backup's end).";
        }

        return null;
    }

    /// <summary>
    /// A former primary that wrote WAL the new primary never received cannot stream
    /// ("requested starting point ... is not in this server's history") and Patroni 3.0.2 keeps
    /// it "starting" forever when pg_rewind was not triggered.
    /// </summary>
    public static bool ShowsDivergedTimeline(string logTail) =>
        logTail.Contains("is not in this server's history", StringComparison.Ordinal);

    /// <summary>
    /// Patroni 3.0.2 tells whether the process postmaster.pid names is that postmaster by
    /// comparing the file's start time with the process's, computed from the boot time psutil
    /// read once, when Patroni started; after the wall clock has been stepped since by more than
    /// 3 s it refuses the postmaster ("Process N is not postmaster, too much difference ..."),
    /// so a PostgreSQL it did not start itself is never adopted. A Patroni started afresh reads
    /// the boot time again (seen here: on this VM the clock is stepped by several seconds now
    /// and then, and a restored primary then waited forever for its Patroni).
    /// </summary>
    public static bool PatroniRefusesPostmaster(string patroniLogTail, int pid) =>
        patroniLogTail.Contains($"Process {pid} is not postmaster, too much difference", StringComparison.Ordinal);

    [GeneratedRegex("could not access file \"([^\"]+)\": No such file or directory")]
    private static partial Regex MissingLibrary();

    // Both alternatives capture "port": a tail that begins at the HINT line still names it.
    [GeneratedRegex("could not bind IPv4 address \"[^\"]+\": Address already in use[\\s\\S]*?port (?<port>\\d+)|Is another postmaster already running on port (?<port>\\d+)")]
    private static partial Regex AddressInUse();

    // On the command line (-c, as Patroni passes a few settings) a bad value is FATAL; in
    // postgresql.conf, where the user's parameters go, it is logged as LOG and followed by
    // "FATAL:  configuration file ... contains errors", which names no parameter.
    [GeneratedRegex("(?:FATAL|LOG):  (invalid value for parameter [^\\n]+|unrecognized configuration parameter [^\\n]+)")]
    private static partial Regex InvalidParameter();
}
