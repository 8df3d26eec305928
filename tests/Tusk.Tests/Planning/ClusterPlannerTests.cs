using System.Runtime.Versioning;
using Tusk.Api;
using Tusk.Planning;
using static Tusk.Tests.Planning.Plans;

namespace Tusk.Tests.Planning;

[SupportedOSPlatform("linux")]
public class ClusterPlannerTests
{
    private const string TwoSets = """
        apiVersion: tusk.dev/v1
        kind: PostgresCluster
        metadata:
          name: hippo
          namespace: team-a
        spec:
          postgresVersion: 15
          port: 5440
          instances:
            - name: east
              replicas: 2
            - name: west
              replicas: 1
          patroni:
            leaderLeaseDurationSeconds: 30
            syncPeriodSeconds: 10
            synchronousMode: true
            dynamicConfiguration:
              postgresql:
                parameters:
                  max_connections: "200"
                  work_mem: 8MB
                pg_hba:
                  - hostssl app app 10.0.0.0/8 scram-sha-256
          users:
            - name: app
              databases: [app, reports]
              options: CREATEDB
              password:
                type: ASCII
            - name: reader

        """;

    private const string Minimal = """
        apiVersion: tusk.dev/v1
        kind: PostgresCluster
        metadata:
          name: zebra
        spec:
          postgresVersion: 15

        """;

    [Fact]
    public void Members_are_named_cluster_set_ordinal_across_every_instance_set()
    {
        var plan = Plan(TwoSets);

        Assert.Equal(
            [new MemberPlan("hippo-east-0", "east", 0), new MemberPlan("hippo-east-1", "east", 1), new MemberPlan("hippo-west-0", "west", 0)],
            plan.Members);
    }

    [Fact]
    public void The_scope_is_namespace_dash_name_so_clusters_of_the_same_name_in_two_namespaces_do_not_share_a_leader()
    {
        var plan = Plan(TwoSets);

        Assert.Equal("team-a-hippo", plan.Scope);
        Assert.Equal("hippo", plan.Name);
        Assert.Equal("team-a", plan.Namespace);
    }

    [Fact]
    public void A_cluster_without_a_namespace_is_planned_in_default()
    {
        var plan = Plan(Minimal);

        Assert.Equal("default-zebra", plan.Scope);
        Assert.Equal([new MemberPlan("zebra-instance1-0", "instance1", 0)], plan.Members);
        Assert.Equal(ClusterDefaults.Port, plan.Port);
        Assert.False(plan.SynchronousMode);
        Assert.False(plan.Shutdown);
    }

    [Fact]
    public void Every_base_parameter_is_present_when_the_user_sets_none()
    {
        var plan = Plan(Minimal);

        foreach (var (key, value) in ClusterPlanner.BaseParameters)
        {
            Assert.Equal(value, plan.Parameters[key]);
        }

        Assert.Equal("replica", plan.Parameters["wal_level"]);
        Assert.Equal("on", plan.Parameters["wal_log_hints"]);
        Assert.Equal("scram-sha-256", plan.Parameters["password_encryption"]);
    }

    [Fact]
    public void User_parameters_override_base_parameters_and_add_to_them()
    {
        var plan = Plan(TwoSets);

        Assert.Equal("200", plan.Parameters["max_connections"]);
        Assert.Equal("8MB", plan.Parameters["work_mem"]);
        Assert.Equal("replica", plan.Parameters["wal_level"]);
        Assert.Equal("100", ClusterPlanner.BaseParameters["max_connections"]);
    }

    [Fact]
    public void Timings_30_and_10_give_a_retry_timeout_of_10()
    {
        var plan = Plan(TwoSets);

        Assert.Equal(new PatroniTimings(30, 10, 10), plan.Timings);
        Assert.True(plan.SynchronousMode);
    }

    [Fact]
    public void Version_port_and_user_pg_hba_rules_are_carried_over()
    {
        var plan = Plan(TwoSets);

        Assert.Equal(15, plan.PostgresVersion);
        Assert.Equal(5440, plan.Port);
        Assert.Equal(["hostssl app app 10.0.0.0/8 scram-sha-256"], plan.UserPgHba);
    }

    [Fact]
    public void Users_are_carried_over_with_their_databases_options_and_defaulted_password_type()
    {
        var plan = Plan(TwoSets);

        Assert.Equal(2, plan.Users.Count);
        Assert.Equal("app", plan.Users[0].Name);
        Assert.Equal(["app", "reports"], plan.Users[0].Databases);
        Assert.Equal("CREATEDB", plan.Users[0].Options);
        Assert.Equal("ASCII", plan.Users[0].PasswordType);
        Assert.Equal("reader", plan.Users[1].Name);
        Assert.Empty(plan.Users[1].Databases);
        Assert.Equal("", plan.Users[1].Options);
        Assert.Equal(ClusterDefaults.PasswordType, plan.Users[1].PasswordType);
    }

    [Fact]
    public void A_cluster_without_users_gets_one_user_and_database_named_after_it()
    {
        var user = Assert.Single(Plan(Minimal).Users);

        Assert.Equal(new UserPlan("zebra", user.Databases, "", ClusterDefaults.PasswordType), user);
        Assert.Equal(["zebra"], user.Databases);
    }
}
