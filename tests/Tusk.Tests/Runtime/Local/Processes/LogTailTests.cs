using Tusk.Runtime.Local.Processes;

namespace Tusk.Tests.Runtime.Local.Processes;

public sealed class LogTailTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("tusk-logtail-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void The_last_line_a_process_wrote_is_its_last_non_empty_line_cut_to_a_sentence()
    {
        var log = Path.Combine(_dir.FullName, "patroni.log");
        File.WriteAllText(log, "2026-12-02 INFO: starting\nTraceback (most recent call last):\nOSError: [Errno 98] Address already in use\n\n");
        Assert.Equal("OSError: [Errno 98] Address already in use", LogTail.LastLine(log));

        File.WriteAllText(log, new string('x', 1000) + "\n");
        Assert.Equal(new string('x', 297) + "...", LogTail.LastLine(log));
    }

    [Fact]
    public void A_missing_or_empty_log_has_no_last_line()
    {
        var log = Path.Combine(_dir.FullName, "none.log");
        Assert.Null(LogTail.LastLine(log));
        File.WriteAllText(log, "\n\n");
        Assert.Null(LogTail.LastLine(log));
    }

    [Fact]
    public void A_tail_never_reaches_before_the_offset_it_is_given()
    {
        var log = Path.Combine(_dir.FullName, "restore.log");
        File.WriteAllText(log, "old line\nnew line\n");
        Assert.Equal("new line\n", LogTail.Read(log, from: "old line\n".Length));
        Assert.Equal("line\n", LogTail.Read(log, bytes: 5));
    }
}
