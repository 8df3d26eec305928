using System.Runtime.Versioning;
using Tusk.Api;
using Tusk.Cli.Commands;
using static Tusk.Tests.Cli.CliClusters;

namespace Tusk.Tests.Cli;

[SupportedOSPlatform("linux")]
public class GetCommandTests
{
    [Fact]
    public void Ready_counts_the_running_leader_and_the_streaming_replicas_of_all_planned_instances()
    {
        var cluster = Cluster();
        cluster.Spec.Instances![0].Replicas = 3;
        cluster.Status = new ClusterStatus
        {
            Instances =
            [
                new InstanceStatus { Name = "hippo-instance1-0", Role = "leader", State = "running" },
                new InstanceStatus { Name = "hippo-instance1-1", Role = "replica", State = "streaming" },
                new InstanceStatus { Name = "hippo-instance1-2", Role = "replica", State = "running" },
            ],
        };

        Assert.Equal("2/3", GetCommand.Ready(cluster));
    }

    [Fact]
    public void A_cluster_without_status_is_none_ready()
    {
        Assert.Equal("0/2", GetCommand.Ready(Cluster()));
    }

    [Fact]
    public void A_leader_that_is_not_running_is_not_ready()
    {
        var cluster = Cluster();
        cluster.Status = new ClusterStatus { Instances = [new InstanceStatus { Role = "leader", State = "starting" }, new InstanceStatus { Role = "replica", State = "down" }] };

        Assert.Equal("0/2", GetCommand.Ready(cluster));
    }
}
