using System.Net;
using Tusk.Api;
using Tusk.Kubernetes.Builders;
using Tusk.Planning;
using Tusk.Security;

namespace Tusk.Tests.Kubernetes.Builders;

/// <summary>Build requests from manifests read through the front door, with certificates from a real CA.</summary>
internal static class BuildRequests
{
    public const string Uid = "7d9c4a1e-0000-4000-8000-000000000001";
    public const string Image = "registry.example/tusk/postgres:15";
    public const string PgBackRestImage = "registry.example/tusk/pgbackrest:2.54";
    public const string ExporterImage = "registry.example/tusk/postgres-exporter:0.15";
    public const string PgBouncerImage = "registry.example/tusk/pgbouncer:1.23";

    /// <summary>Hippo with everything beside PostgreSQL on: pgBackRest with two volume repositories, the exporter, and PgBouncer.</summary>
    public const string HippoWithSidecars = """
        apiVersion: tusk.dev/v1
        kind: PostgresCluster
        metadata: {name: hippo, namespace: db}
        spec:
          postgresVersion: 15
          instances:
            - name: instance1
              replicas: 2
          users:
            - name: hippo
              databases: [hippo]
              options: CREATEDB
          backups:
            pgbackrest:
              global: {repo1-retention-full: "3"}
              repos:
                - name: repo1
                  schedules: {full: "0 1 * * 0"}
                  volume: {volumeClaimSpec: {accessModes: [ReadWriteMany], resources: {requests: {storage: 10Gi}}}}
                - name: repo2
                  volume: {volumeClaimSpec: {accessModes: [ReadWriteMany], storageClassName: slow, resources: {requests: {storage: 50Gi}}}}
          monitoring:
            exporter:
              resources: {limits: {memory: 128Mi}}
          proxy:
            pgBouncer:
              port: 6432
              replicas: 2
              poolMode: transaction
              config: {global: {server_idle_timeout: "60"}}
        """;

    public const string Hippo = """
        apiVersion: tusk.dev/v1
        kind: PostgresCluster
        metadata: {name: hippo, namespace: db}
        spec:
          postgresVersion: 15
          instances:
            - name: instance1
              replicas: 3
          users:
            - name: hippo
              databases: [hippo, other]
              options: CREATEDB
        """;

    private static readonly Lazy<ClusterCertificates> Certificates = new(() =>
    {
        using var ca = CertificateAuthority.Create("tusk test root", TimeProvider.System);
        return new ClusterCertificates(
            ca.Export(),
            ca.IssueServer("hippo-primary", ["hippo-primary.db.svc"], [IPAddress.Loopback], TimeSpan.FromDays(1)),
            ca.IssueClient(ClusterPlan.ReplicationUser, TimeSpan.FromDays(1)));
    });

    public static BuildRequest From(string yaml, string uid = Uid, string pdbApiVersion = "policy/v1beta1", string? ns = null)
    {
        var result = Assert.Single(ClusterManifest.Check(yaml, "test.yaml", localRuntime: false));
        Assert.Empty(result.Errors);
        var cluster = result.Cluster;
        if (ns is not null)
        {
            cluster.Metadata.Namespace = ns;
        }

        var plan = ClusterPlanner.Plan(cluster);
        var passwords = plan.Users.ToDictionary(u => u.Name, u => "pw-" + u.Name + "@/?&");
        return new BuildRequest(cluster, plan, uid, Image, pdbApiVersion, passwords,
            new InternalPasswords("super-secret", "repl-secret", "rewind-secret", "restapi-secret", "monitor-secret", "bouncer-\"secret"), Certificates.Value)
        {
            PgBackRestImage = PgBackRestImage,
            ExporterImage = ExporterImage,
            PgBouncerImage = PgBouncerImage,
        };
    }
}
