using System.Text.Json.Nodes;
using Tusk.Api;
using Tusk.Kubernetes.Builders;
using Tusk.Kubernetes.Controller;
using Tusk.Tests.Kubernetes.Builders;

namespace Tusk.Tests.Kubernetes.Controller;

/// <summary>A scale-down never removes the primary: the set is held at a size that keeps it until Patroni has moved it.</summary>
public sealed class ScaleDownGuardTests
{
    private static JsonObject Pod(string name, string role) => new()
    {
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["labels"] = new JsonObject { [Labels.InstanceSet] = "instance1", [Labels.Role] = role },
        },
    };

    private static readonly JsonObject[] Pods = [Pod("hippo-instance1-abcd-0", Labels.RoleReplica), Pod("hippo-instance1-abcd-1", Labels.RoleReplica), Pod("hippo-instance1-abcd-2", Labels.RoleLeader)];

    private static InstanceSet[] Sets(int replicas) => [new InstanceSet { Name = "instance1", Replicas = replicas }];

    [Fact]
    public void Scaling_below_the_primarys_ordinal_holds_the_set_until_the_primary_moves()
    {
        var (primary, held) = ScaleDownGuard.Hold(Sets(2), shutdown: false, Pods);
        Assert.Equal("hippo-instance1-abcd-2", primary);
        Assert.Equal(3, held["instance1"]);

        var request = BuildRequests.From(BuildRequests.Hippo.Replace("replicas: 3", "replicas: 2", StringComparison.Ordinal)) with { HeldReplicas = held };
        var statefulSet = Assert.Single(StatefulSetBuilder.Build(request));
        Assert.Equal(3, statefulSet["spec"]!["replicas"]!.GetValue<int>());
    }

    [Fact]
    public void A_scale_down_that_keeps_the_primary_or_a_shutdown_holds_nothing()
    {
        Assert.Equal((null, 0), Summary(ScaleDownGuard.Hold(Sets(3), shutdown: false, Pods)));
        Assert.Equal((null, 0), Summary(ScaleDownGuard.Hold(Sets(2), shutdown: true, Pods)));
        Assert.Equal((null, 0), Summary(ScaleDownGuard.Hold(Sets(1), shutdown: false, [Pod("hippo-instance1-abcd-0", Labels.RoleLeader), Pod("hippo-instance1-abcd-1", Labels.RoleReplica)])));

        static (string?, int) Summary((string? Primary, IReadOnlyDictionary<string, int> Held) hold) => (hold.Primary, hold.Held.Count);
    }
}
