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
            new InternalPasswords("super-secret", "repl-secret", "rewind-secret"), Certificates.Value);
    }
}
