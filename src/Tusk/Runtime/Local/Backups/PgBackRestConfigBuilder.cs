using System.Text;
using Tusk.Planning.Backups;

namespace Tusk.Runtime.Local.Backups;

/// <summary>
/// pgbackrest.conf for one member, passed to every pgBackRest command with --config. Pure.
/// pgBackRest reaches PostgreSQL only through the member's private Unix socket, as the
/// superuser mapped from the service account (peer). Archiving is asynchronous with a spool
/// per member; the console stays at warn because archive-push writes to PostgreSQL's log.
/// </summary>
public static class PgBackRestConfigBuilder
{
    /// <summary>
    /// Tusk's defaults, each overridable in spec.backups.pgbackrest.global. start-fast: a backup
    /// begins at once instead of after a spread checkpoint. zst rather than pgBackRest's gz: a full
    /// backup of a 307 MiB database took 4.5 s instead of 14.6 s here, and came out smaller.
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> Defaults = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["start-fast"] = "y",
        ["log-level-file"] = "info",
        ["compress-type"] = "zst",
    };

    /// <param name="repoPaths">Each repository's index and directory.</param>
    public static string Build(IReadOnlyDictionary<string, string> global, IEnumerable<(int Index, string Path)> repoPaths, LocalMember member) =>
        Build(global, repoPaths, new PgBackRestLocation(member.DataDirectory, member.SocketDirectory, member.PostgresPort, member.PgBackRestDirectory, Path.Combine(member.PgBackRestDirectory, "lock")));

    /// <summary>The same file for any location: the Kubernetes runtime writes it for its pods.</summary>
    public static string Build(IReadOnlyDictionary<string, string> global, IEnumerable<(int Index, string Path)> repoPaths, PgBackRestLocation at)
    {
        var options = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (index, path) in repoPaths)
        {
            options[$"repo{index}-path"] = path;
        }

        foreach (var (key, value) in Defaults.Concat(global))
        {
            options[key] = value;
        }

        options["archive-async"] = "y";
        options["spool-path"] = $"{at.WorkDirectory}/spool";
        options["lock-path"] = at.LockDirectory;
        options["log-path"] = $"{at.WorkDirectory}/log";
        options["log-level-console"] = "warn";

        var text = new StringBuilder("[global]\n");
        foreach (var (key, value) in options)
        {
            text.Append(key).Append('=').Append(value).Append('\n');
        }

        text.Append('[').Append(BackupPlan.Stanza).Append("]\n")
            .Append("pg1-path=").Append(at.DataDirectory).Append('\n')
            .Append("pg1-socket-path=").Append(at.SocketDirectory).Append('\n')
            .Append("pg1-port=").Append(at.Port).Append('\n')
            .Append("pg1-user=").Append(Planning.ClusterPlan.Superuser).Append('\n');
        return text.ToString();
    }

    /// <summary>The member's archive_command. Patroni also runs it itself, without a shell, before pg_rewind: hence one literal --pg1-path per member.</summary>
    public static string ArchiveCommand(LocalMember member) => $"{string.Join(' ', Invocation(member.PgBackRestConfig, member))} archive-push %p";

    /// <summary>
    /// The command Patroni runs as its custom bootstrap method to restore a member's data
    /// directory from a repository (this cluster's, or the source's for a clone). Patroni splits
    /// it like a shell would, so arguments with spaces are quoted. The target options also pick
    /// the backup to start from; the recovery settings pgBackRest writes are replaced by
    /// Patroni's (RestoreTarget.RecoverySettings).
    /// </summary>
    public static string RestoreCommand(LocalMember member, RestoreTarget target) =>
        string.Join(' ', Invocation(member.PgBackRestRestoreConfig, member).Concat(target.Options).Append("restore").Select(Quote));

    /// <summary>
    /// pgBackRest's arguments for a restore the agent runs itself (in place): into the member's
    /// staging directory, with the target options and a promotion at the target, so recovery
    /// ends by itself and the timeline moves forward. pgBackRest writes the recovery settings
    /// into postgresql.auto.conf (Patroni removes them the next time it writes the
    /// configuration); its own restore_command would name the staging directory, which is
    /// gone by the time PostgreSQL asks for WAL, so the member's is given instead.
    /// </summary>
    public static IReadOnlyList<string> RestoreArguments(LocalMember member, RestoreTarget target) =>
        [$"--pg1-path={member.RestoreStagingDirectory}", $"--recovery-option=restore_command={ArchiveGetCommand(member, target)}", .. target.Options, .. target.StopsAtTarget ? ["--target-action=promote"] : Array.Empty<string>(), "restore"];

    /// <summary>The restore_command of a restoring member: WAL from the repository it restores from, directly when the target says so (RestoreTarget.FetchesWalDirectly).</summary>
    public static string ArchiveGetCommand(LocalMember member, RestoreTarget target) =>
        $"{string.Join(' ', Invocation(member.PgBackRestRestoreConfig, member))}{(target.FetchesWalDirectly ? " --no-archive-async" : "")} archive-get %f \"%p\"";

    /// <summary>pgBackRest with a configuration file, Tusk's stanza and the member's data directory, word by word.</summary>
    private static string[] Invocation(string config, LocalMember member) =>
        ["pgbackrest", $"--config={config}", $"--stanza={BackupPlan.Stanza}", $"--pg1-path={member.DataDirectory}"];

    private static string Quote(string word) =>
        word.All(c => char.IsAsciiLetterOrDigit(c) || "-_=./:+%".Contains(c)) ? word : "'" + word.Replace("'", "'\"'\"'", StringComparison.Ordinal) + "'";
}
