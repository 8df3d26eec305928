using System.Runtime.Versioning;

namespace Tusk.Tests.Runtime.Local.EndToEnd;

/// <summary>Changing spec.instances[].replicas on a running cluster.</summary>
[SupportedOSPlatform("linux")]
public sealed class ScalingTests
{
    [Fact]
    public async Task Scaling_up_adds_a_streaming_member_and_scaling_down_switches_over_before_removing_the_leader()
    {
        await using var sandbox = new TuskSandbox();
        var port = TuskSandbox.FreePortPair();
        await sandbox.CreateAsync("scale", port, replicas: 2);

        var up = await sandbox.RunOkAsync("apply", "-f", sandbox.WriteManifest("scale", TuskSandbox.Manifest("scale", port, replicas: 3)), "--wait", "--timeout", "120s");
        Assert.Contains("configured", up.Out, StringComparison.Ordinal);
        var three = await sandbox.ClusterAsync("scale");
        Assert.Equal(3, three.Status!.Instances.Count);
        Assert.Equal(2, three.Status.Instances.Count(i => i.State == "streaming"));

        // Make the member that scaling down removes the leader.
        await sandbox.RunOkAsync("switchover", "scale", "--to", "scale-instance1-2");
        await sandbox.WaitUntilAsync("scale-instance1-2 leads", TimeSpan.FromSeconds(60), async () =>
            (await sandbox.ClusterAsync("scale")).Status?.Primary == "scale-instance1-2");

        await sandbox.RunOkAsync("apply", "-f", sandbox.WriteManifest("scale", TuskSandbox.Manifest("scale", port, replicas: 2)), "--wait", "--timeout", "120s");
        var two = await sandbox.ClusterAsync("scale");
        Assert.Equal(["scale-instance1-0", "scale-instance1-1"], two.Status!.Instances.Select(i => i.Name).Order());
        Assert.NotEqual("scale-instance1-2", two.Status.Primary);
        Assert.False(Directory.Exists(Path.Combine(sandbox.ClusterPath("scale"), "members", "scale-instance1-2")), "the removed member's directory is still there");
        Assert.Contains("switched over from scale-instance1-2 before removing it", sandbox.AgentLog(), StringComparison.Ordinal);

        await using var connection = await sandbox.ConnectAsync("scale", port);
        Assert.Equal(false, await TuskSandbox.ScalarAsync(connection, "SELECT pg_is_in_recovery()"));
    }
}
