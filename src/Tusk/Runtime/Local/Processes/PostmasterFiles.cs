namespace Tusk.Runtime.Local.Processes;

/// <summary>
/// What PostgreSQL's own files say about a server, read without starting anything (cheap enough
/// to poll every few milliseconds): the postmaster's status line in postmaster.pid, and the
/// cluster state in global/pg_control, the field pg_controldata prints as "Database cluster state".
/// </summary>
public static class PostmasterFiles
{
    /// <summary>
    /// Line 8 of postmaster.pid: "starting", "stopping", "ready" or "standby" (PostgreSQL 10 and
    /// later); null when the file or the line is missing, e.g. after the postmaster exited.
    /// </summary>
    public static string? Status(string pidFile)
    {
        try
        {
            return File.ReadLines(pidFile).Skip(7).FirstOrDefault()?.Trim() is { Length: > 0 } status ? status : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>True when pg_control says the last shutdown completed cleanly ("shut down", DB_SHUTDOWNED).</summary>
    public static bool ShutDownCleanly(string dataDirectory) => ClusterState(dataDirectory) == 1;

    /// <summary>
    /// True when pg_control says "in production" (DB_IN_PRODUCTION): recovery has ended and the
    /// server was promoted. PostgreSQL writes it before the postmaster reports "ready" as a primary,
    /// whereas "ready" alone also means a standby taking read-only connections.
    /// </summary>
    public static bool InProduction(string dataDirectory) => ClusterState(dataDirectory) == 6;

    /// <summary>
    /// True once the server in this directory runs as a primary: its postmaster says "ready" and
    /// pg_control says "in production". Either alone is not enough: a hot standby says "ready",
    /// and pg_control stays "in production" after a crash.
    /// </summary>
    public static bool RunsAsPrimary(string dataDirectory) =>
        Status(Path.Combine(dataDirectory, "postmaster.pid")) == "ready" && InProduction(dataDirectory);

    /// <summary>
    /// The cluster state in pg_control: ControlFileData starts with the system identifier (8
    /// bytes), the control and catalog versions (4 each), then the state, a 4-byte enum (DBState)
    /// with the same values in every release since 8.2. The file is written in one sector, so a
    /// read never sees half of it. Null when it cannot be read.
    /// </summary>
    private static int? ClusterState(string dataDirectory)
    {
        const int StateOffset = 16;
        try
        {
            using var file = File.OpenRead(Path.Combine(dataDirectory, "global", "pg_control"));
            Span<byte> head = stackalloc byte[StateOffset + 4];
            file.ReadExactly(head);
            return BitConverter.ToInt32(head[StateOffset..]); // pg_control is in the machine's byte order
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// The arguments the postmaster was last started with, from postmaster.opts, which PostgreSQL
    /// writes at every start as the program followed by each argument in double quotes. Patroni
    /// passes the port, listen_addresses, cluster_name and the replication limits on the command
    /// line rather than in postgresql.conf, so a server started by anyone else must be given
    /// the same ones. Null when the file is missing or not in that form.
    /// </summary>
    public static IReadOnlyList<string>? LastStartArguments(string dataDirectory)
    {
        try
        {
            return ParseOptions(File.ReadAllText(Path.Combine(dataDirectory, "postmaster.opts")));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>postmaster.opts's text into arguments, without the program; null unless every argument is quoted.</summary>
    public static IReadOnlyList<string>? ParseOptions(string text)
    {
        var line = text.Trim();
        var first = line.IndexOf(' ', StringComparison.Ordinal);
        if (line.Length == 0 || line[0] == '"')
        {
            return null;
        }

        var arguments = new List<string>();
        var rest = first < 0 ? "" : line[(first + 1)..].Trim();
        while (rest.Length > 0)
        {
            var close = rest.Length > 1 && rest[0] == '"' ? rest.IndexOf('"', 1) : -1;
            if (close < 0)
            {
                return null;
            }

            arguments.Add(rest[1..close]);
            rest = rest[(close + 1)..].TrimStart();
        }

        return arguments;
    }
}
