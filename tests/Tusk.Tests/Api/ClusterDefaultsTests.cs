using System.Runtime.Versioning;
using Tusk.Api;
using static Tusk.Tests.Api.Manifests;

namespace Tusk.Tests.Api;

[SupportedOSPlatform("linux")]
public class ClusterDefaultsTests
{
    [Fact]
    public void Every_omitted_field_gets_its_documented_default()
    {
        var cluster = CheckOne(Header, OnlyPostgres15).Cluster;
        var spec = cluster.Spec;

        Assert.Equal("default", cluster.Metadata.Namespace);
        Assert.Equal(15, spec.PostgresVersion);
        Assert.Equal(5432, spec.Port);
        Assert.False(spec.Shutdown);
        var set = Assert.Single(spec.Instances!);
        Assert.Equal("instance1", set.Name);
        Assert.Equal(1, set.Replicas);
        Assert.Equal(30, spec.Patroni!.LeaderLeaseDurationSeconds);
        Assert.Equal(10, spec.Patroni.SyncPeriodSeconds);
        Assert.False(spec.Patroni.SynchronousMode);
        Assert.Empty(spec.Patroni.DynamicConfiguration!.Postgresql!.Parameters!);
        Assert.Empty(spec.Patroni.DynamicConfiguration.Postgresql.PgHba!);
        var user = Assert.Single(spec.Users!);
        Assert.Equal("hippo", user.Name);
        Assert.Equal(["hippo"], user.Databases);
        Assert.Equal("", user.Options);
        Assert.Equal("AlphaNumeric", user.Password!.Type);
    }

    [Fact]
    public void The_defaults_are_the_documented_constants()
    {
        Assert.Equal("default", ClusterDefaults.Namespace);
        Assert.Equal(15, ClusterDefaults.PostgresVersion);
        Assert.Equal(5432, ClusterDefaults.Port);
        Assert.Equal("instance1", ClusterDefaults.InstanceSetName);
        Assert.Equal(1, ClusterDefaults.Replicas);
        Assert.Equal(30, ClusterDefaults.LeaderLeaseDurationSeconds);
        Assert.Equal(10, ClusterDefaults.SyncPeriodSeconds);
        Assert.Equal("AlphaNumeric", ClusterDefaults.PasswordType);
    }

    [Fact]
    public void Given_values_are_kept()
    {
        const string yaml = """
            apiVersion: tusk.dev/v1
            kind: PostgresCluster
            metadata:
              name: zebra
              namespace: team-a
            spec:
              postgresVersion: 14
              port: 6432
              shutdown: true
              instances:
                - name: east
                  replicas: 2
                - name: west
                  replicas: 3
              patroni:
                leaderLeaseDurationSeconds: 20
                syncPeriodSeconds: 5
                synchronousMode: true
                dynamicConfiguration:
                  postgresql:
                    parameters:
                      work_mem: 64MB
                    pg_hba:
                      - hostssl all all 10.0.0.0/8 scram-sha-256
              users:
                - name: app
                  databases: [orders, billing]
                  options: CREATEDB NOSUPERUSER
                  password:
                    type: ASCII
            """;

        var result = CheckOne(yaml, new Tusk.Api.Validation.HostFacts([14], _ => true, (_, _) => true));
        var spec = result.Cluster.Spec;

        Assert.Empty(result.Problems);
        Assert.Equal("team-a", result.Cluster.Metadata.Namespace);
        Assert.Equal(14, spec.PostgresVersion);
        Assert.Equal(6432, spec.Port);
        Assert.True(spec.Shutdown);
        Assert.Equal([("east", 2), ("west", 3)], spec.Instances!.Select(i => (i.Name, i.Replicas ?? 0)));
        Assert.Equal(20, spec.Patroni!.LeaderLeaseDurationSeconds);
        Assert.Equal(5, spec.Patroni.SyncPeriodSeconds);
        Assert.True(spec.Patroni.SynchronousMode);
        Assert.Equal("64MB", spec.Patroni.DynamicConfiguration!.Postgresql!.Parameters!["work_mem"]);
        Assert.Equal(["hostssl all all 10.0.0.0/8 scram-sha-256"], spec.Patroni.DynamicConfiguration.Postgresql.PgHba);
        var user = Assert.Single(spec.Users!);
        Assert.Equal("app", user.Name);
        Assert.Equal(["orders", "billing"], user.Databases);
        Assert.Equal("CREATEDB NOSUPERUSER", user.Options);
        Assert.Equal("ASCII", user.Password!.Type);
    }

    [Fact]
    public void Unnamed_instance_sets_are_numbered_by_position_when_there_are_several()
    {
        var spec = CheckOne(Header + "spec:\n  instances:\n    - replicas: 2\n    - replicas: 1\n").Cluster.Spec;

        Assert.Equal(["instance1", "instance2"], spec.Instances!.Select(i => i.Name!));
    }

    [Fact]
    public void A_user_listed_without_databases_gets_none_and_no_default_user_is_added()
    {
        var spec = CheckOne(Header + "spec:\n  users:\n    - name: reader\n").Cluster.Spec;

        var user = Assert.Single(spec.Users!);
        Assert.Equal("reader", user.Name);
        Assert.Empty(user.Databases!);
    }

    [Fact]
    public void Without_a_valid_cluster_name_no_user_is_invented_from_it()
    {
        var result = CheckOne("apiVersion: tusk.dev/v1\nkind: PostgresCluster\nmetadata:\n  name: Hippo\n");

        Assert.Empty(result.Cluster.Spec.Users!);
        Assert.Single(result.Errors);
    }

    [Fact]
    public void Apply_fills_a_bare_object_without_a_manifest()
    {
        var cluster = ClusterDefaults.Apply(new PostgresCluster { Metadata = { Name = "hippo" } });

        Assert.Equal(ApiVersions.Tusk, cluster.ApiVersion);
        Assert.Equal(ApiVersions.Kind, cluster.Kind);
        Assert.Equal("default/hippo", cluster.Key);
    }
}
