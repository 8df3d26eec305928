using System.Runtime.Versioning;
using Tusk.Api;
using Tusk.Cli.Commands;

namespace Tusk.Tests.Cli;

[SupportedOSPlatform("linux")]
public class CreateCommandTests
{
    [Theory]
    [InlineData(3, 5432, 15, false)]
    [InlineData(2, 6543, 16, true)]
    [InlineData(1, 5432, 15, false)]
    public void The_manifest_from_flags_is_valid_and_carries_them(int replicas, int port, int version, bool sync)
    {
        var text = CreateCommand.Manifest("team-a", "rhino", replicas, port, version, sync);

        var result = Assert.Single(ClusterManifest.Check(text, "(flags)"));
        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings);
        var cluster = result.Cluster;
        Assert.Equal(("rhino", "team-a"), (cluster.Metadata.Name, cluster.Metadata.Namespace));
        Assert.Equal(ApiVersions.Tusk, cluster.ApiVersion);
        Assert.Equal(version, cluster.Spec.PostgresVersion);
        Assert.Equal(port, cluster.Spec.Port);
        var set = Assert.Single(cluster.Spec.Instances!);
        Assert.Equal((ClusterDefaults.InstanceSetName, (int?)replicas), (set.Name, set.Replicas));
        Assert.Equal(sync, cluster.Spec.Patroni!.SynchronousMode);
    }

    [Fact]
    public void The_manifest_writes_only_what_the_flags_set()
    {
        var text = CreateCommand.Manifest("default", "hippo", 3, 5432, 15, sync: false);

        Assert.Equal(
            """
            apiVersion: tusk.dev/v1
            kind: PostgresCluster
            metadata:
              name: hippo
              namespace: default
            spec:
              postgresVersion: 15
              port: 5432
              instances:
                - name: instance1
                  replicas: 3
              patroni:
                synchronousMode: false

            """,
            text);
    }

    [Fact]
    public void A_bad_flag_value_is_reported_by_the_same_validation_as_a_manifest()
    {
        var text = CreateCommand.Manifest("default", "Not_A_Name", 0, 80, 15, sync: false);

        var errors = Assert.Single(ClusterManifest.Check(text, "(flags)")).Errors.Select(e => e.Path).ToList();
        Assert.Contains("metadata.name", errors);
        Assert.Contains("spec.instances[0].replicas", errors);
        Assert.Contains("spec.port", errors);
    }
}
