using System.Runtime.Versioning;
using Tusk.Planning;
using static Tusk.Tests.Planning.Plans;

namespace Tusk.Tests.Planning;

[SupportedOSPlatform("linux")]
public class PgHbaPlannerTests
{
    private const string OneRule = """
        apiVersion: tusk.dev/v1
        kind: PostgresCluster
        metadata:
          name: hippo
        spec:
          patroni:
            dynamicConfiguration:
              postgresql:
                pg_hba:
                  - hostssl app app 10.0.0.0/8 scram-sha-256

        """;

    private static readonly string[] Loopback = ["127.0.0.1/32", "::1/128"];

    [Fact]
    public void Tusks_roles_come_first_then_the_users_rules_then_TLS_for_everyone_then_rejections()
    {
        var rules = PgHbaPlanner.Plan(Plan(OneRule), Loopback);

        Assert.Equal(
            [
                "local all postgres peer map=tusk",
                "hostssl replication tusk_replication 127.0.0.1/32 scram-sha-256",
                "hostssl all postgres,tusk_rewind 127.0.0.1/32 scram-sha-256",
                "hostssl replication tusk_replication ::1/128 scram-sha-256",
                "hostssl all postgres,tusk_rewind ::1/128 scram-sha-256",
                "local all tusk_replication,tusk_rewind reject",
                "hostssl app app 10.0.0.0/8 scram-sha-256",
                "hostssl all all 127.0.0.1/32 scram-sha-256",
                "hostssl all all ::1/128 scram-sha-256",
                "hostnossl all all all reject",
                "local all all reject",
            ],
            rules);
    }

    [Fact]
    public void No_rule_lets_a_TCP_connection_in_without_TLS()
    {
        var rules = PgHbaPlanner.Plan(Plan(OneRule), Loopback);

        foreach (var rule in rules)
        {
            var fields = rule.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(fields[0] is "local" or "hostssl" || (fields[0] == "hostnossl" && fields[^1] == "reject"), $"rule lets plain TCP in: {rule}");
            Assert.NotEqual("host", fields[0]);
            Assert.DoesNotContain("trust", fields);
        }
    }

    [Fact]
    public void The_only_local_rule_that_accepts_is_peer_for_the_superuser_through_the_ident_map()
    {
        var rules = PgHbaPlanner.Plan(Plan(OneRule), Loopback);

        var accepting = rules.Where(r => r.StartsWith("local ", StringComparison.Ordinal) && !r.EndsWith(" reject", StringComparison.Ordinal));
        Assert.Equal(["local all postgres peer map=tusk"], accepting);
    }

    [Fact]
    public void The_ident_map_maps_only_the_service_account_to_the_superuser()
    {
        Assert.Equal(["tusk postgres postgres"], PgHbaPlanner.Ident("postgres"));
        Assert.Equal(["tusk alice postgres"], PgHbaPlanner.Ident("alice"));
    }
}
