using System.Runtime.Versioning;
using Tusk.Planning;
using Tusk.Runtime.Local;

namespace Tusk.Tests.Runtime.Local;

/// <summary>A three-member plan placed on this machine with fixed ports and directories, and made-up secrets.</summary>
[SupportedOSPlatform("linux")]
internal static class LocalPlans
{
    public const string Yaml = """
        apiVersion: tusk.dev/v1
        kind: PostgresCluster
        metadata:
          name: hippo
        spec:
          postgresVersion: 15
          port: 5440
          instances:
            - name: instance1
              replicas: 3
          patroni:
            leaderLeaseDurationSeconds: 20
            syncPeriodSeconds: 5
            synchronousMode: true
            dynamicConfiguration:
              postgresql:
                parameters:
                  work_mem: 8MB
                  max_connections: "150"

        """;

    public static readonly ClusterSecrets Secrets = new(
        "superuser-Secret-1",
        "replication-Secret-2",
        "rewind-Secret-3",
        "restapi-Secret-4",
        "pgbouncer-Secret-5",
        "monitor-Secret-6",
        new Dictionary<string, string>(StringComparer.Ordinal) { ["hippo"] = "hippo-Secret-5" });

    public static ClusterPlan Plan(string yaml = Yaml) => Tusk.Tests.Planning.Plans.Plan(yaml);

    /// <summary>Member n: PostgreSQL on 15000+n, REST on 18000+n, directory /state/clusters/default/hippo/NAME.</summary>
    public static List<LocalMember> Members(ClusterPlan plan, string root = "/state/clusters/default/hippo") =>
        plan.Members.Select((m, i) => new LocalMember(m, 15000 + i, 18000 + i, Path.Combine(root, m.Name))).ToList();
}
