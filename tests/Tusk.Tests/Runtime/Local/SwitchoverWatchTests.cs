using Tusk.Runtime.Local;
using Tusk.Runtime.Local.Processes;
using Tusk.Tests.Environments;

namespace Tusk.Tests.Runtime.Local;

/// <summary>
/// The switchover watch against a real PostgreSQL 15 shut down the two ways a primary can stop:
/// a clean (fast) shutdown, as in a switchover, releases the key and routes the endpoint to the
/// member that is ready; a crash (immediate) never releases it (the only mock: the HAProxy and etcd calls are recorded).
/// </summary>
public sealed class SwitchoverWatchTests
{
    private sealed class Calls
    {
        public List<string> Made { get; } = [];

        public Task SetHealth(string member, bool up, CancellationToken _)
        {
            lock (Made)
            {
                Made.Add($"{member} {(up ? "up" : "down")}");
            }

            return Task.CompletedTask;
        }

        public Task<bool> Release(CancellationToken _)
        {
            lock (Made)
            {
                Made.Add("release");
            }

            return Task.FromResult(true);
        }
    }

    [Fact]
    public async Task After_a_clean_shutdown_the_watch_asks_to_mark_the_old_primary_down_release_its_key_and_mark_the_ready_member_up()
    {
        var server = new PostgresServer();
        var promoted = new PostgresServer(); // a running primary says "ready" in postmaster.pid, as a promoted replica does
        await server.InitializeAsync();
        await promoted.InitializeAsync();
        try
        {
            var calls = new Calls();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var watch = new SwitchoverWatch(("m-0", server.Data), [("m-1", promoted.Data)], calls.SetHealth, calls.Release).RunAsync(limit.Token);
            await Task.Delay(300);
            Assert.Empty(calls.Made); // a running primary is left alone
            Assert.False(PostmasterFiles.ShutDownCleanly(server.Data));
            Assert.Equal("ready", PostmasterFiles.Status(Path.Combine(server.Data, "postmaster.pid")));

            await server.StopAsync("fast");
            var note = await watch;

            Assert.Equal(["m-0 down", "release", "m-1 up"], calls.Made);
            Assert.Contains("released m-0's leader key", note);
            Assert.Contains("routed the primary endpoint to m-1", note);
            Assert.True(PostmasterFiles.ShutDownCleanly(server.Data));
        }
        finally
        {
            await server.DisposeAsync();
            await promoted.DisposeAsync();
        }
    }

    [Fact]
    public async Task After_a_crash_the_watch_asks_to_mark_the_old_primary_down_but_never_to_release_its_key()
    {
        var server = new PostgresServer();
        await server.InitializeAsync();
        try
        {
            var calls = new Calls();
            using var stop = new CancellationTokenSource();
            var watch = new SwitchoverWatch(("m-0", server.Data), [], calls.SetHealth, calls.Release).RunAsync(stop.Token);

            await server.StopAsync("immediate");
            var pidFile = Path.Combine(server.Data, "postmaster.pid");
            for (var i = 0; i < 100 && File.Exists(pidFile); i++)
            {
                await Task.Delay(50);
            }

            await Task.Delay(300);
            await stop.CancelAsync();

            Assert.Null(await watch);
            Assert.Equal(["m-0 down"], calls.Made);
            Assert.False(PostmasterFiles.ShutDownCleanly(server.Data));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
