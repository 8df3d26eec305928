using System.Runtime.Versioning;
using Tusk.Api;

namespace Tusk.Tests.Runtime.Local.EndToEnd;

/// <summary>A cluster's life through the real `tusk` command: create, replicate, switch over, delete.</summary>
[SupportedOSPlatform("linux")]
public sealed class ClusterLifecycleTests
{
    [Fact]
    public async Task A_three_instance_cluster_becomes_ready_and_every_replica_reads_a_row_written_through_the_primary_endpoint()
    {
        await using var sandbox = new TuskSandbox();
        var port = TuskSandbox.FreePortPair();
        var cluster = await sandbox.CreateAsync("lifecycle", port, replicas: 3);

        Assert.Equal(ClusterPhases.Ready, cluster.Status!.Phase);
        Assert.Equal(3, cluster.Status.Instances.Count);
        Assert.Single(cluster.Status.Instances, i => i.Role == "leader");
        Assert.Equal(2, cluster.Status.Instances.Count(i => i.State == "streaming"));

        await using (var primary = await sandbox.ConnectAsync("lifecycle", port))
        {
            Assert.Equal(false, await TuskSandbox.ScalarAsync(primary, "SELECT pg_is_in_recovery()"));
            await TuskSandbox.ScalarAsync(primary, "CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes VALUES (1, 'written through the primary endpoint')");
        }

        foreach (var replica in cluster.Status.Instances.Where(i => i.Role != "leader"))
        {
            await sandbox.WaitUntilAsync($"{replica.Name} has the row", TimeSpan.FromSeconds(30), async () =>
            {
                await using var connection = await sandbox.ConnectAsync("lifecycle", replica.Port);
                Assert.Equal(true, await TuskSandbox.ScalarAsync(connection, "SELECT pg_is_in_recovery()"));
                return await TuskSandbox.ScalarAsync(connection, "SELECT body FROM notes WHERE id = 1") is "written through the primary endpoint";
            });
        }

        // The replicas endpoint (port + 1) lands on a standby.
        await using var readOnly = await sandbox.ConnectAsync("lifecycle", port + 1);
        Assert.Equal(true, await TuskSandbox.ScalarAsync(readOnly, "SELECT pg_is_in_recovery()"));
    }

    [Fact]
    public async Task Switchover_moves_the_primary_to_the_chosen_member_and_the_endpoint_follows()
    {
        await using var sandbox = new TuskSandbox();
        var port = TuskSandbox.FreePortPair();
        var before = await sandbox.CreateAsync("switch", port, replicas: 2);
        var target = before.Status!.Instances.Single(i => i.Role != "leader");

        var result = await sandbox.RunOkAsync("switchover", "switch", "--to", target.Name);
        Assert.Contains(target.Name, result.Out, StringComparison.Ordinal);

        await sandbox.WaitUntilAsync($"the primary endpoint reaches {target.Name}", TimeSpan.FromSeconds(30), async () =>
        {
            await using var connection = await sandbox.ConnectAsync("switch", port);
            return await TuskSandbox.ScalarAsync(connection, "SELECT inet_server_port()") is int p && p == target.Port
                && await TuskSandbox.ScalarAsync(connection, "SELECT NOT pg_is_in_recovery()") is true;
        });
        await sandbox.WaitUntilAsync("status names the new primary", TimeSpan.FromSeconds(30), async () =>
            (await sandbox.ClusterAsync("switch")).Status?.Primary == target.Name);
    }

    [Fact]
    public async Task Deleting_a_cluster_stops_every_process_keeps_its_data_and_purge_removes_it()
    {
        await using var sandbox = new TuskSandbox();
        var port = TuskSandbox.FreePortPair();
        await sandbox.CreateAsync("gone", port, replicas: 2);
        var data = sandbox.ClusterPath("gone");

        var refused = await sandbox.RunAsync("delete", "cluster", "gone");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("nothing was changed", refused.Err, StringComparison.Ordinal);

        await sandbox.RunOkAsync("delete", "cluster", "gone", "--yes");
        Assert.DoesNotContain(sandbox.Processes(), pid => File.ReadAllText($"/proc/{pid}/cmdline").Contains(data, StringComparison.Ordinal));
        Assert.True(TuskSandbox.IsFree(port), "the primary endpoint's port is still held");
        Assert.True(Directory.Exists(Path.Combine(data, "members")), "data was removed without --purge");
        Assert.Contains("No clusters", (await sandbox.RunOkAsync("get", "clusters")).Out, StringComparison.Ordinal);

        // Applying the same name again brings the kept data back.
        await sandbox.CreateAsync("gone", port, replicas: 2);
        await sandbox.RunOkAsync("delete", "cluster", "gone", "--yes", "--purge");
        Assert.False(Directory.Exists(data), "--purge left the data behind");
    }

    [Fact]
    public async Task Shutdown_true_stops_every_instance_and_keeps_the_data_and_false_brings_the_cluster_back()
    {
        await using var sandbox = new TuskSandbox();
        var port = TuskSandbox.FreePortPair();
        await sandbox.CreateAsync("sleepy", port, replicas: 2);
        await using (var connection = await sandbox.ConnectAsync("sleepy", port))
        {
            await TuskSandbox.ScalarAsync(connection, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (42)");
        }

        var manifest = TuskSandbox.Manifest("sleepy", port, replicas: 2) + "\n  shutdown: true\n";
        await sandbox.RunOkAsync("apply", "-f", sandbox.WriteManifest("sleepy", manifest), "--wait", "--timeout", "120s");
        var stopped = await sandbox.ClusterAsync("sleepy");
        Assert.Equal(ClusterPhases.Stopped, stopped.Status!.Phase);
        Assert.DoesNotContain(sandbox.Processes(), pid => File.ReadAllText($"/proc/{pid}/cmdline").Contains("patroni", StringComparison.Ordinal));
        Assert.True(TuskSandbox.IsFree(port), "the primary endpoint still listens while the cluster is shut down");

        await sandbox.RunOkAsync("apply", "-f", sandbox.WriteManifest("sleepy", TuskSandbox.Manifest("sleepy", port, replicas: 2)), "--wait", "--timeout", "150s");
        await using var again = await sandbox.ConnectAsync("sleepy", port);
        Assert.Equal(42, await TuskSandbox.ScalarAsync(again, "SELECT id FROM kept"));
    }
}
