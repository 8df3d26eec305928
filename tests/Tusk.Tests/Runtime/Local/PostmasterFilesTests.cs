using Tusk.Runtime.Local.Processes;
using Tusk.Tests.Environments;

namespace Tusk.Tests.Runtime.Local;

/// <summary>postmaster.opts, which a restore in place reads to start PostgreSQL as Patroni last did.</summary>
public sealed class PostmasterFilesTests
{
    [Fact]
    public async Task The_arguments_a_real_PostgreSQL_was_started_with_are_read_back_from_postmaster_opts()
    {
        var server = new PostgresServer();
        await server.InitializeAsync();
        try
        {
            var arguments = PostmasterFiles.LastStartArguments(server.Data);

            Assert.NotNull(arguments);
            Assert.Contains(server.Data, arguments);
            Assert.DoesNotContain(arguments, a => a.Contains('"', StringComparison.Ordinal));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_standby_says_ready_in_postmaster_pid_but_only_a_promoted_server_is_in_production_in_pg_control()
    {
        var server = new PostgresServer();
        await server.InitializeAsync();
        var pidFile = Path.Combine(server.Data, "postmaster.pid");
        try
        {
            Assert.True(PostmasterFiles.InProduction(server.Data));
            Assert.False(PostmasterFiles.ShutDownCleanly(server.Data));

            await server.StopAsync("fast");
            for (var i = 0; i < 200 && File.Exists(pidFile); i++)
            {
                await Task.Delay(50);
            }

            Assert.True(PostmasterFiles.ShutDownCleanly(server.Data));
            Assert.False(PostmasterFiles.InProduction(server.Data));

            // A standby (hot standby is on by default) takes read-only connections and says "ready" too.
            await File.WriteAllTextAsync(Path.Combine(server.Data, "standby.signal"), "");
            await server.StartAsync();
            Assert.Equal("ready", PostmasterFiles.Status(pidFile));
            Assert.False(PostmasterFiles.InProduction(server.Data));
            Assert.False(PostmasterFiles.RunsAsPrimary(server.Data));

            await server.PromoteAsync();
            Assert.Equal("ready", PostmasterFiles.Status(pidFile));
            Assert.True(PostmasterFiles.InProduction(server.Data));
            Assert.True(PostmasterFiles.RunsAsPrimary(server.Data));
        }
        finally
        {
            await server.DisposeAsync();
        }

        Assert.False(PostmasterFiles.InProduction(server.Data)); // no pg_control at all
        Assert.False(PostmasterFiles.RunsAsPrimary(server.Data));
    }

    [Fact]
    public void Patroni_style_options_become_one_argument_each_and_anything_else_is_refused()
    {
        const string Text = "/usr/lib/postgresql/15/bin/postgres \"-D\" \"/state/m1/data\" \"--config-file=/state/m1/data/postgresql.conf\" \"--listen_addresses=127.0.0.1\" \"--port=5433\" \"--cluster_name=hippo-instance1-1\"\n";

        Assert.Equal(
            ["-D", "/state/m1/data", "--config-file=/state/m1/data/postgresql.conf", "--listen_addresses=127.0.0.1", "--port=5433", "--cluster_name=hippo-instance1-1"],
            PostmasterFiles.ParseOptions(Text));
        Assert.Empty(PostmasterFiles.ParseOptions("/usr/lib/postgresql/15/bin/postgres")!);
        Assert.Null(PostmasterFiles.ParseOptions("/usr/lib/postgresql/15/bin/postgres \"-D\" \"/unterminated"));
        Assert.Null(PostmasterFiles.ParseOptions("/usr/lib/postgresql/15/bin/postgres -D /not/quoted"));
        Assert.Null(PostmasterFiles.ParseOptions(""));
        Assert.Null(PostmasterFiles.LastStartArguments(Path.Combine(Path.GetTempPath(), "no-such-data-directory")));
    }
}
