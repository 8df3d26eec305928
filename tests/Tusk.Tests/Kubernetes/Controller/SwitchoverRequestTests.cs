using System.Text.Json.Nodes;
using Tusk.Kubernetes.Controller;

namespace Tusk.Tests.Kubernetes.Controller;

/// <summary>
/// With synchronousMode a switchover is asked for only once the leader has a synchronous standby:
/// on a real node, asked 3 s after a failover, Patroni dropped the key ("members list is empty")
/// and the switchover never happened.
/// </summary>
public sealed class SwitchoverRequestTests
{
    private static JsonObject SyncState(string? leader, string? standbys) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = "hippo-ha-sync", ["annotations"] = new JsonObject { ["leader"] = leader, ["sync_standby"] = standbys } },
    };

    [Fact]
    public void A_leader_with_a_synchronous_standby_can_be_switched_over_from()
    {
        Assert.Null(SwitchoverRequest.SynchronousStandbyProblem(SyncState("hippo-0", "hippo-1"), "hippo-0", target: null));
        Assert.Null(SwitchoverRequest.SynchronousStandbyProblem(SyncState("hippo-0", "hippo-1,hippo-2"), "hippo-0", target: "hippo-2"));
    }

    [Theory]
    [InlineData(null, null)]               // no sync state yet
    [InlineData("hippo-1", "hippo-0")]      // the state from before a failover: another leader
    [InlineData("hippo-0", null)]           // the new leader has not named its standby yet
    [InlineData("hippo-0", "")]
    public void Until_the_leader_has_named_a_synchronous_standby_the_request_waits(string? leader, string? standbys)
    {
        var problem = SwitchoverRequest.SynchronousStandbyProblem(leader is null ? null : SyncState(leader, standbys), "hippo-0", target: null);

        Assert.NotNull(problem);
        Assert.True(problem.Value.Wait);
        Assert.Contains("waiting for Patroni to name a synchronous standby of hippo-0", problem.Value.Reason);
    }

    [Fact]
    public void A_target_that_is_not_a_synchronous_standby_is_refused_with_the_ones_that_are()
    {
        var problem = SwitchoverRequest.SynchronousStandbyProblem(SyncState("hippo-0", "hippo-1"), "hippo-0", target: "hippo-2");

        Assert.NotNull(problem);
        Assert.False(problem.Value.Wait);
        Assert.Equal("hippo-2 is not a synchronous standby of hippo-0 (those are hippo-1); with synchronousMode Patroni refuses any other target", problem.Value.Reason);
    }
}
