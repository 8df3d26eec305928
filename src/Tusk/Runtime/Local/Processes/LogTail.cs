namespace Tusk.Runtime.Local.Processes;

/// <summary>The end of a server's log, read while the server may still be writing it.</summary>
public static class LogTail
{
    /// <summary>The last <paramref name="bytes"/> of a log, none of it before offset <paramref name="from"/>; empty when there is no log.</summary>
    public static string Read(string path, int bytes = 16384, long from = 0)
    {
        if (!File.Exists(path))
        {
            return "";
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(Math.Min(stream.Length, Math.Max(from, stream.Length - bytes)), SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// The last line a server wrote, cut to a sentence's length: what a process that exited said
    /// last is nearly always why (Patroni ends on its exception, "OSError: [Errno 98] Address
    /// already in use"). Null when the log is missing or empty.
    /// </summary>
    public static string? LastLine(string path)
    {
        var line = Read(path, 4096).Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0);
        return line is { Length: > 300 } ? line[..297] + "..." : line;
    }
}
