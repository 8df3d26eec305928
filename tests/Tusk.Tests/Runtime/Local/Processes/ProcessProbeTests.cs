using System.Diagnostics;
using System.Runtime.Versioning;
using Tusk.Runtime.Local.Processes;

namespace Tusk.Tests.Runtime.Local.Processes;

[SupportedOSPlatform("linux")]
public sealed class ProcessProbeTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("tusk-probe-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void The_test_process_is_alive()
    {
        Assert.True(ProcessProbe.IsAlive(Environment.ProcessId));
    }

    [Fact]
    public void A_process_that_exited_and_was_reaped_is_not_alive()
    {
        using var process = Process.Start("/bin/true");
        process.WaitForExit();
        var pid = process.Id;

        Assert.False(ProcessProbe.IsAlive(pid));
    }

    [Fact]
    public void Live_processes_are_found_by_their_command_line_and_not_after_they_exit()
    {
        var marker = $"tusk-find-{Guid.NewGuid():N}";
        using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "sleep 30", marker, "--pg1-path=/x", "restore"]))!;
        try
        {
            Assert.Equal([process.Id], ProcessProbe.Find(c => c.Contains(marker, StringComparison.Ordinal) && c.EndsWith(" restore", StringComparison.Ordinal)));
        }
        finally
        {
            process.Kill();
            process.WaitForExit();
        }

        Assert.Empty(ProcessProbe.Find(c => c.Contains(marker, StringComparison.Ordinal)));
    }

    [Fact]
    public void A_process_in_the_middle_of_an_exec_chain_is_alive_throughout()
    {
        // sh execs setsid, which execs sleep, as ProcessLauncher starts every server: while the
        // kernel swaps programs, /proc/PID/cmdline reads empty for a moment.
        var marker = $"30.{Random.Shared.NextInt64(1_000_000_000, 9_999_999_999)}"; // a duration for sleep, unique on the machine
        var reads = 0;
        for (var start = 0; start < 20; start++)
        {
            using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "exec \"$@\"", "sh", "setsid", "/bin/sleep", marker]))!;
            try
            {
                for (var clock = Stopwatch.StartNew(); clock.ElapsedMilliseconds < 30; reads++)
                {
                    Assert.True(ProcessProbe.IsAlive(process.Id, marker), $"pid {process.Id} was taken for exited after {clock.Elapsed.TotalMilliseconds:0.0} ms of its start");
                }
            }
            finally
            {
                process.Kill();
                process.WaitForExit();
            }
        }

        Assert.True(reads > 100);
    }

    [Fact]
    public void A_PID_that_cannot_exist_is_not_alive()
    {
        Assert.False(ProcessProbe.IsAlive(int.MaxValue));
    }

    [Fact]
    public void A_live_process_is_recognised_by_a_fragment_of_its_command_line()
    {
        var cmdline = File.ReadAllText($"/proc/{Environment.ProcessId}/cmdline").Replace('\0', ' ');
        var fragment = cmdline.Contains("testhost", StringComparison.Ordinal) ? "testhost" : "dotnet";

        Assert.Contains(fragment, cmdline, StringComparison.Ordinal);
        Assert.True(ProcessProbe.IsAlive(Environment.ProcessId, fragment));
    }

    [Fact]
    public void A_live_process_running_another_program_is_not_the_one_we_started()
    {
        Assert.False(ProcessProbe.IsAlive(Environment.ProcessId, "/usr/bin/patroni /no/such/patroni.yml"));
    }

    [Fact]
    public void The_pid_is_read_from_the_first_line_of_a_postmaster_pid_file()
    {
        var file = Write("postmaster.pid", "4242\n/var/lib/postgresql/15/main\n1700000000\n5432\n/run/postgresql\n127.0.0.1\n  5432001         0\nready   \n");

        Assert.Equal(4242, ProcessProbe.ReadPidFile(file));
    }

    [Fact]
    public void A_pid_file_with_only_a_pid_and_no_newline_is_read()
    {
        Assert.Equal(17, ProcessProbe.ReadPidFile(Write("patroni.pid", "17")));
    }

    [Theory]
    [InlineData("garbage\n")]
    [InlineData("")]
    [InlineData("0\n")]
    [InlineData("-5\n")]
    [InlineData("12 34\n")]
    public void A_pid_file_without_a_positive_pid_on_its_first_line_gives_null(string content)
    {
        Assert.Null(ProcessProbe.ReadPidFile(Write("bad.pid", content)));
    }

    [Fact]
    public void A_missing_pid_file_gives_null()
    {
        Assert.Null(ProcessProbe.ReadPidFile(Path.Combine(_dir.FullName, "missing.pid")));
        Assert.Null(ProcessProbe.ReadPidFile(Path.Combine(_dir.FullName, "no-such-dir", "missing.pid")));
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }
}
