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

    /// <summary>
    /// True when pg_control says the last shutdown completed cleanly ("shut down", DB_SHUTDOWNED):
    /// ControlFileData starts with the system identifier (8 bytes), the control and catalog
    /// versions (4 each), then the state, a 4-byte enum in which 1 is DB_SHUTDOWNED, in every
    /// release since 8.2. The file is written in one sector, so a read never sees half of it.
    /// </summary>
    public static bool ShutDownCleanly(string dataDirectory)
    {
        const int StateOffset = 16, Shutdowned = 1;
        try
        {
            using var file = File.OpenRead(Path.Combine(dataDirectory, "global", "pg_control"));
            Span<byte> head = stackalloc byte[StateOffset + 4];
            file.ReadExactly(head);
            return BitConverter.ToInt32(head[StateOffset..]) == Shutdowned; // pg_control is in the machine's byte order
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
