using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Npgsql;
using Tusk.Runtime.Local;
using Tusk.Runtime.Local.Processes;

namespace Tusk.Tests.Runtime.Local.EndToEnd;

/// <summary>Unplanned failover: the leader's Patroni and postmaster are killed with SIGKILL.</summary>
[SupportedOSPlatform("linux")]
public sealed class FailoverTests
{
    [Fact]
    public async Task Killing_the_leaders_patroni_and_postmaster_promotes_a_replica_well_within_the_lease_and_the_endpoint_follows()
    {
        await using var sandbox = new TuskSandbox();
        var port = TuskSandbox.FreePortPair();
        var before = await sandbox.CreateAsync("crash", port, replicas: 3);
        var leader = before.Status!.Instances.Single(i => i.Role == "leader");

        var clock = Stopwatch.StartNew();
        KillLeader(sandbox, "crash", leader.Name, leader.Pid!.Value);

        await sandbox.WaitUntilAsync("the primary endpoint takes writes on another member", TimeSpan.FromSeconds(60), async () =>
        {
            await using var connection = await sandbox.ConnectAsync("crash", port);
            return await TuskSandbox.ScalarAsync(connection, "SELECT inet_server_port()") is int p && p != leader.Port
                && await TuskSandbox.ScalarAsync(connection, "CREATE TABLE IF NOT EXISTS after_failover (id int)") is null;
        });

        // The default lease is 30 s; the agent released the dead leader's key instead of waiting for it.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(25), $"failover took {clock.Elapsed.TotalSeconds:0.0}s, as long as waiting for the lease");
        Assert.Contains("released the leader key of " + leader.Name, sandbox.AgentLog(), StringComparison.Ordinal);

        // The old leader comes back as a replica.
        await sandbox.WaitUntilAsync($"{leader.Name} rejoins as a streaming replica", TimeSpan.FromSeconds(90), async () =>
            (await sandbox.ClusterAsync("crash")).Status!.Instances.Single(i => i.Name == leader.Name).State == "streaming");
    }

    /// <summary>
    /// Patroni 3.0.2 saves its configuration (patroni.dynamic.json) into the data directory at
    /// the end of a loop; landing in a replica's empty directory before the primary is copied in
    /// (seen after a restore), it makes Patroni refuse the directory ("not empty, but system ID is
    /// invalid") while the member's state stays what it was, for as long as nobody acts. The
    /// test puts such a directory in place of a live replica's and kills its postmaster.
    /// </summary>
    [Fact]
    public async Task A_replica_whose_data_directory_holds_only_Patronis_saved_configuration_is_emptied_and_copied_again()
    {
        await using var sandbox = new TuskSandbox();
        var port = TuskSandbox.FreePortPair();
        var before = await sandbox.CreateAsync("cached", port, replicas: 2);
        var replica = before.Status!.Instances.Single(i => i.Role != "leader");
        var data = Path.Combine(sandbox.ClusterPath("cached"), "members", replica.Name, "data");
        var staged = data + ".staged";
        Directory.CreateDirectory(staged);
        await File.WriteAllTextAsync(Path.Combine(staged, "patroni.dynamic.json"), """{"ttl": 30}""");
        using (var chown = Process.Start("chown", ["-R", "postgres:postgres", staged]))
        {
            await chown.WaitForExitAsync();
        }

        File.SetUnixFileMode(staged, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var postmaster = int.Parse(File.ReadLines(Path.Combine(data, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);
        Directory.Move(data, data + ".old");
        Directory.Move(staged, data);
        TuskSandbox.Kill(postmaster);

        await sandbox.WaitUntilAsync($"{replica.Name} streams again", TimeSpan.FromSeconds(90), async () =>
            File.Exists(Path.Combine(data, "PG_VERSION")) && (await sandbox.ClusterAsync("cached")).Status!.Instances.Single(i => i.Name == replica.Name).State == "streaming");
        Assert.Contains($"emptied {replica.Name}'s data directory, which held only Patroni's saved configuration", sandbox.AgentLog(), StringComparison.Ordinal);
    }

    /// <summary>
    /// A port the agent chose free can be taken by another program before Patroni binds it, and
    /// Patroni then exits at once on every restart ("Address already in use"). The test kills
    /// the only member's Patroni (its PostgreSQL keeps running) and takes its REST port first.
    /// </summary>
    [Fact]
    public async Task A_Patroni_whose_REST_port_another_process_took_moves_to_a_free_port_and_the_endpoint_follows()
    {
        await using var sandbox = new TuskSandbox();
        var port = TuskSandbox.FreePortPair();
        var before = await sandbox.CreateAsync("moved", port, replicas: 1);
        var member = before.Status!.Instances.Single();
        var config = Path.Combine(sandbox.ClusterPath("moved"), "members", member.Name, "patroni.yml");
        var restPort = RestPort(config);

        // The agent restarts a Patroni whose postmaster lives at once: kill it again until the port is ours first.
        TcpListener? squatter = null;
        for (var attempt = 0; attempt < 10 && squatter is null; attempt++)
        {
            var patroni = int.Parse(File.ReadAllText(Path.Combine(sandbox.ClusterPath("moved"), "members", member.Name, "patroni.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            TuskSandbox.Kill(patroni);
            squatter = await TakePortAsync(restPort, TimeSpan.FromSeconds(2));
        }

        Assert.NotNull(squatter);
        using (squatter)
        {
            await sandbox.WaitUntilAsync("the primary endpoint takes writes through the moved Patroni", TimeSpan.FromSeconds(60), async () =>
            {
                await using var connection = await sandbox.ConnectAsync("moved", port);
                return RestPort(config) != restPort && await TuskSandbox.ScalarAsync(connection, "CREATE TABLE IF NOT EXISTS after_move (id int)") is null;
            });
        }

        var log = sandbox.AgentLog();
        Assert.Contains($"moved {member.Name}'s Patroni REST API from port {restPort} to {RestPort(config)}", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replica_whose_PostgreSQL_port_another_process_took_moves_to_a_free_port_and_streams_again()
    {
        await using var sandbox = new TuskSandbox();
        var port = TuskSandbox.FreePortPair();
        var before = await sandbox.CreateAsync("squat", port, replicas: 2);
        var replica = before.Status!.Instances.Single(i => i.Role != "leader");
        var config = Path.Combine(sandbox.ClusterPath("squat"), "members", replica.Name, "patroni.yml");

        // Patroni stays and starts PostgreSQL again within its loop: take the port first, so every start fails.
        var postmaster = ProcessProbe.ReadPidFile(Path.Combine(sandbox.ClusterPath("squat"), "members", replica.Name, "data", "postmaster.pid"));
        TuskSandbox.Kill(postmaster!.Value, signal: 3); // SIGQUIT: PostgreSQL's immediate shutdown
        var squatter = await TakePortAsync(replica.Port, TimeSpan.FromSeconds(10));
        Assert.NotNull(squatter);
        using (squatter)
        {
            await sandbox.WaitUntilAsync("the replica streams again on another port", TimeSpan.FromSeconds(90), async () =>
                (await sandbox.ClusterAsync("squat")).Status!.Instances.Any(i => i.Name == replica.Name && i.State == "streaming" && i.Port != replica.Port));
        }

        Assert.NotEqual(replica.Port, PostgresPort(config));
        Assert.Contains($"moved {replica.Name}'s PostgreSQL from port {replica.Port} to {PostgresPort(config)}: another process holds {replica.Port}", File.ReadAllText(Path.Combine(sandbox.Home, "agent.log")), StringComparison.Ordinal);
    }

    /// <summary>
    /// Listens on the port as soon as its server lets go of it, as the servers bind (connections
    /// in TIME_WAIT do not hold it); null when it is still taken after <paramref name="within"/>.
    /// </summary>
    private static async Task<TcpListener?> TakePortAsync(int port, TimeSpan within)
    {
        for (var wait = Stopwatch.StartNew(); wait.Elapsed < within; await Task.Delay(5))
        {
            try
            {
                return PortAllocator.Listen(port);
            }
            catch (SocketException)
            {
            }
        }

        return null;
    }

    private static int RestPort(string patroniConfig) => ListenPort(patroniConfig, "restapi");

    private static int PostgresPort(string patroniConfig) => ListenPort(patroniConfig, "postgresql");

    private static int ListenPort(string patroniConfig, string section) =>
        int.Parse(JsonNode.Parse(File.ReadAllText(patroniConfig))![section]!["listen"]!.GetValue<string>().Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task In_synchronous_mode_every_commit_acknowledged_before_the_leader_is_killed_survives()
    {
        await using var sandbox = new TuskSandbox();
        var port = TuskSandbox.FreePortPair();
        var before = await sandbox.CreateAsync("sync", port, replicas: 3, synchronous: true);
        var leader = before.Status!.Instances.Single(i => i.Role == "leader");
        await using (var setup = await sandbox.ConnectAsync("sync", port))
        {
            await TuskSandbox.ScalarAsync(setup, "CREATE TABLE ledger (id int PRIMARY KEY)");
        }

        await sandbox.WaitUntilAsync("a synchronous standby is chosen", TimeSpan.FromSeconds(60), async () =>
        {
            await using var connection = await sandbox.ConnectAsync("sync", port, superuser: true);
            return await TuskSandbox.ScalarAsync(connection, "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'") is long n && n > 0;
        });

        // A writer commits continuously; every id whose COMMIT returned is recorded as acknowledged.
        var acknowledged = new List<int>();
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            var id = 0;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await using var connection = await sandbox.ConnectAsync("sync", port);
                    while (!stop.IsCancellationRequested)
                    {
                        var next = ++id;
                        await using var insert = new NpgsqlCommand($"INSERT INTO ledger VALUES ({next})", connection);
                        await insert.ExecuteNonQueryAsync();
                        lock (acknowledged)
                        {
                            acknowledged.Add(next);
                        }
                    }
                }
                catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
                {
                    await Task.Delay(50);
                }
            }
        });

        await sandbox.WaitUntilAsync("the writer has committed rows", TimeSpan.FromSeconds(30), () => Task.FromResult(Count(acknowledged) > 50));
        KillLeader(sandbox, "sync", leader.Name, leader.Pid!.Value);
        var atKill = Count(acknowledged);
        await sandbox.WaitUntilAsync("writes succeed again after the failover", TimeSpan.FromSeconds(60), () => Task.FromResult(Count(acknowledged) > atKill + 50));
        await stop.CancelAsync();
        await writer;

        await using var check = await sandbox.ConnectAsync("sync", port);
        var present = new HashSet<int>();
        await using (var select = new NpgsqlCommand("SELECT id FROM ledger", check))
        await using (var reader = await select.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                present.Add(reader.GetInt32(0));
            }
        }

        var lost = acknowledged.Where(id => !present.Contains(id)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged commits were lost: {string.Join(", ", lost.Take(20))}");
        Assert.True(atKill > 50 && acknowledged.Count > atKill, "the writer did not commit on both sides of the failover");
    }

    [Fact]
    public async Task Failover_to_a_chosen_member_promotes_exactly_that_member()
    {
        await using var sandbox = new TuskSandbox();
        var port = TuskSandbox.FreePortPair();
        var before = await sandbox.CreateAsync("forced", port, replicas: 3);
        var target = before.Status!.Instances.Where(i => i.Role != "leader").OrderBy(i => i.Name, StringComparer.Ordinal).Last();

        var result = await sandbox.RunOkAsync("failover", "forced", "--to", target.Name);
        Assert.Contains(target.Name, result.Out, StringComparison.Ordinal);
        await sandbox.WaitUntilAsync($"{target.Name} leads and the endpoint reaches it", TimeSpan.FromSeconds(60), async () =>
        {
            await using var connection = await sandbox.ConnectAsync("forced", port);
            return await TuskSandbox.ScalarAsync(connection, "SELECT inet_server_port()") is int p && p == target.Port;
        });

        var unknown = await sandbox.RunAsync("failover", "forced", "--to", "forced-instance1-9");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("\"forced-instance1-9\" is not a member", unknown.Err, StringComparison.Ordinal);
    }

    private static int Count(List<int> list)
    {
        lock (list)
        {
            return list.Count;
        }
    }

    /// <summary>SIGKILL to the member's Patroni and its postmaster at the same moment, as a crash would.</summary>
    internal static void KillLeader(TuskSandbox sandbox, string cluster, string member, int patroniPid)
    {
        var pidFile = Path.Combine(sandbox.ClusterPath(cluster), "members", member, "data", "postmaster.pid");
        var postmaster = int.Parse(File.ReadLines(pidFile).First(), System.Globalization.CultureInfo.InvariantCulture);
        TuskSandbox.Kill(patroniPid);
        TuskSandbox.Kill(postmaster);
    }
}
