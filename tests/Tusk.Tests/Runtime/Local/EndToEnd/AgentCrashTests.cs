using System.Globalization;
using System.Runtime.Versioning;

namespace Tusk.Tests.Runtime.Local.EndToEnd;

/// <summary>The agent is only a supervisor: databases outlive it, and the next agent adopts them.</summary>
[SupportedOSPlatform("linux")]
public sealed class AgentCrashTests
{
    [Fact]
    public async Task Killing_the_agent_leaves_the_database_serving_and_a_new_agent_adopts_the_same_processes()
    {
        await using var sandbox = new TuskSandbox();
        var port = TuskSandbox.FreePortPair();
        var before = await sandbox.CreateAsync("survivor", port, replicas: 2);
        var pidsBefore = await sandbox.LastingProcessesAsync();
        var agentPid = int.Parse(File.ReadAllText(Path.Combine(sandbox.Home, "agent.pid")), CultureInfo.InvariantCulture);

        TuskSandbox.Kill(agentPid);
        await Task.Delay(500);
        Assert.False(Tusk.Runtime.Local.Processes.ProcessProbe.IsAlive(agentPid), "the agent is still alive");

        await using (var connection = await sandbox.ConnectAsync("survivor", port))
        {
            await TuskSandbox.ScalarAsync(connection, "CREATE TABLE while_agent_down (id int); INSERT INTO while_agent_down VALUES (1)");
        }

        // Any command starts a new agent on demand; it must adopt, not restart.
        var after = await sandbox.ClusterAsync("survivor");
        await sandbox.WaitUntilAsync("the new agent reports the cluster ready", TimeSpan.FromSeconds(30), async () =>
            (await sandbox.ClusterAsync("survivor")).Status?.Phase == "Ready");
        after = await sandbox.ClusterAsync("survivor");

        foreach (var instance in before.Status!.Instances)
        {
            Assert.Equal(instance.Pid, after.Status!.Instances.Single(i => i.Name == instance.Name).Pid);
        }

        var agentPidAfter = int.Parse(File.ReadAllText(Path.Combine(sandbox.Home, "agent.pid")), CultureInfo.InvariantCulture);
        Assert.NotEqual(agentPid, agentPidAfter);
        var pidsAfter = await sandbox.LastingProcessesAsync();
        pidsAfter.Remove(agentPidAfter);
        Assert.True(pidsBefore.SetEquals(pidsAfter), $"processes were restarted instead of adopted.\ngone:\n{TuskSandbox.Describe(pidsBefore.Except(pidsAfter))}\nnew:\n{TuskSandbox.Describe(pidsAfter.Except(pidsBefore))}\n{sandbox.Diagnostics()}");
        Assert.Contains("adopted", sandbox.AgentLog(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_agent_for_the_same_state_directory_exits_at_once_and_the_first_keeps_serving()
    {
        await using var sandbox = new TuskSandbox();
        await sandbox.RunOkAsync("get", "clusters"); // starts the first agent
        var first = int.Parse(File.ReadAllText(Path.Combine(sandbox.Home, "agent.pid")), CultureInfo.InvariantCulture);

        var second = await TuskCli.RunAsync(sandbox.Home, null, TimeSpan.FromSeconds(30), "agent", "run");

        Assert.Equal(1, second.ExitCode);
        Assert.Contains("another agent already runs for", second.Err, StringComparison.Ordinal);
        Assert.True(Tusk.Runtime.Local.Processes.ProcessProbe.IsAlive(first, "agent run"), "the first agent stopped");
        Assert.Equal(first, int.Parse(File.ReadAllText(Path.Combine(sandbox.Home, "agent.pid")), CultureInfo.InvariantCulture));
        await sandbox.RunOkAsync("get", "clusters"); // the socket is still the first agent's
    }
}
