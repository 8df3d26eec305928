using System.Text.Json.Nodes;
using Tusk.Api;
using Tusk.Kubernetes.Controller;
using Tusk.Tests.Kubernetes.Builders;

namespace Tusk.Tests.Kubernetes.Controller;

public sealed class KubeStatusCalculatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    internal static JsonObject Pod(string name, string? role, bool ready, string set = "instance1") => new()
    {
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["labels"] = role is null
                ? new JsonObject { ["tusk.dev/cluster"] = "hippo", ["tusk.dev/instance-set"] = set }
                : new JsonObject { ["tusk.dev/cluster"] = "hippo", ["tusk.dev/instance-set"] = set, ["tusk.dev/role"] = role },
        },
        ["status"] = new JsonObject
        {
            ["phase"] = "Running",
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "False" }),
        },
    };

    private static ClusterStatus Compute(IReadOnlyList<JsonObject> pods, ClusterStatus? previous = null) =>
        KubeStatusCalculator.Compute(BuildRequests.From(BuildRequests.Hippo).Plan, 2, pods, previous, Now);

    private static string Condition(ClusterStatus s, string type) => s.Conditions.Single(c => c.Type == type).Status;

    [Fact]
    public void With_no_pods_yet_the_cluster_is_creating_and_waits_for_a_primary()
    {
        var status = Compute([]);
        Assert.Equal(ClusterPhases.Creating, status.Phase);
        Assert.Equal("True", Condition(status, "Progressing"));
        Assert.Equal("False", Condition(status, "Ready"));
        Assert.Equal("waiting for Patroni to bootstrap the first primary (0 of 3 instances ready)", status.LastOutcome);
        Assert.Equal(2, status.ObservedGeneration);
        Assert.Equal("hippo-primary.db.svc:5432", status.Endpoints!.Primary);
    }

    [Fact]
    public void A_ready_leader_and_ready_replicas_make_the_cluster_ready_with_that_primary()
    {
        var status = Compute([Pod("p-0", "replica", true), Pod("p-1", "master", true), Pod("p-2", "replica", true)]);
        Assert.Equal(ClusterPhases.Ready, status.Phase);
        Assert.Equal("p-1", status.Primary);
        Assert.Equal("p-1 is the primary and 3 of 3 instances are ready", status.LastOutcome);
        Assert.Equal(["leader", "replica", "replica"], status.Instances.OrderBy(i => i.Role, StringComparer.Ordinal).Select(i => i.Role));
        Assert.Equal("True", Condition(status, "Ready"));
        Assert.Equal("False", Condition(status, "Degraded"));
    }

    [Fact]
    public void A_ready_cluster_that_loses_a_replica_is_degraded_and_names_it()
    {
        var ready = Compute([Pod("p-0", "master", true), Pod("p-1", "replica", true), Pod("p-2", "replica", true)]);
        var status = Compute([Pod("p-0", "master", true), Pod("p-1", "replica", false), Pod("p-2", "replica", true)], ready);
        Assert.Equal(ClusterPhases.Degraded, status.Phase);
        Assert.Equal("p-0 is the primary; 2 of 3 instances are ready; waiting for p-1 (not ready)", status.LastOutcome);
        // Ready changed, so it has a new transition time; Degraded changed too.
        Assert.Equal("True", Condition(status, "Degraded"));
    }

    [Fact]
    public void Losing_the_leader_after_being_ready_is_degraded_not_creating()
    {
        var ready = Compute([Pod("p-0", "master", true), Pod("p-1", "replica", true), Pod("p-2", "replica", true)]);
        var status = Compute([Pod("p-1", "replica", true), Pod("p-2", "replica", true)], ready);
        Assert.Equal(ClusterPhases.Degraded, status.Phase);
        Assert.Equal("NoPrimary", status.Conditions.Single(c => c.Type == "Ready").Reason);
        Assert.Null(status.Primary);
    }

    [Fact]
    public void A_condition_keeps_its_transition_time_while_its_status_does_not_change()
    {
        var first = Compute([Pod("p-0", "master", true), Pod("p-1", "replica", true), Pod("p-2", "replica", true)]);
        var later = KubeStatusCalculator.Compute(BuildRequests.From(BuildRequests.Hippo).Plan, 2,
            [Pod("p-0", "master", true), Pod("p-1", "replica", true), Pod("p-2", "replica", true)], first, Now.AddMinutes(5));
        Assert.Equal(Now, later.Conditions.Single(c => c.Type == "Ready").LastTransitionTime);
        Assert.Equal(Now.AddMinutes(5), later.UpdatedAt);
    }
}
