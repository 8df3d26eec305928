using System.Runtime.Versioning;
using Tusk.Api;

namespace Tusk.Tests.Cli;

/// <summary>Clusters as the CLI sees them: read and defaulted through the front door.</summary>
[SupportedOSPlatform("linux")]
internal static class CliClusters
{
    public const string Hippo = """
        apiVersion: tusk.dev/v1
        kind: PostgresCluster
        metadata:
          name: hippo
          namespace: team-a
        spec:
          postgresVersion: 15
          port: 5440
          instances:
            - name: instance1
              replicas: 2
          patroni:
            synchronousMode: true
            dynamicConfiguration:
              postgresql:
                parameters:
                  max_connections: "200"
                  hot_standby_feedback: "on"
                  log_min_duration_statement: 250ms
                pg_hba:
                  - hostssl app app 10.0.0.0/8 scram-sha-256
          users:
            - name: app
              databases: [app]
              options: CREATEDB
            - name: nobody

        """;

    public static PostgresCluster Cluster(string yaml = Hippo)
    {
        var result = Assert.Single(ClusterManifest.Check(yaml, "test.yaml"));
        Assert.Empty(result.Errors);
        return result.Cluster;
    }
}
