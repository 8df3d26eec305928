using System.Runtime.Versioning;
using Tusk.Api;
using Tusk.Planning;

namespace Tusk.Tests.Planning;

/// <summary>Clusters read and defaulted through the front door, as production plans them.</summary>
[SupportedOSPlatform("linux")]
internal static class Plans
{
    public static PostgresCluster Cluster(string yaml)
    {
        var result = Assert.Single(ClusterManifest.Check(yaml, "test.yaml"));
        Assert.Empty(result.Errors);
        return result.Cluster;
    }

    public static ClusterPlan Plan(string yaml) => ClusterPlanner.Plan(Cluster(yaml));
}
