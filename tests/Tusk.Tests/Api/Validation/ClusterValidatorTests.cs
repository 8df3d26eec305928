using System.Runtime.Versioning;
using Tusk.Api;
using Tusk.Api.Validation;

namespace Tusk.Tests.Api.Validation;

/// <summary>The validator alone, on clusters built in code: pure, every problem at once, paths but no lines.</summary>
[SupportedOSPlatform("linux")]
public class ClusterValidatorTests
{
    private static PostgresCluster Hippo(Action<ClusterSpec>? change = null)
    {
        var cluster = new PostgresCluster { Metadata = { Name = "hippo" } };
        change?.Invoke(cluster.Spec);
        return ClusterDefaults.Apply(cluster);
    }

    private static readonly HostFacts Everything = new([11, 12, 13, 14, 15, 16, 17], _ => true, (_, _) => true);

    private static string[] Validate(PostgresCluster cluster, HostFacts? host = null) =>
        ClusterValidator.Validate(cluster, host).Select(p => p.ToString()).ToArray();

    [Fact]
    public void A_defaulted_cluster_is_valid()
    {
        Assert.Empty(Validate(Hippo(), Everything));
    }

    [Fact]
    public void Replicas_below_one_are_refused_with_the_field()
    {
        var cluster = Hippo(s => s.Instances = [new InstanceSet { Replicas = 0 }]);

        Assert.Equal(
            ["spec.instances[0].replicas: 0 is too small; an instance set needs at least 1 replica (to stop the cluster, set spec.shutdown: true)"],
            Validate(cluster));
    }

    [Theory]
    [InlineData(11)]
    [InlineData(17)]
    public void Every_supported_major_version_is_accepted(int version)
    {
        Assert.Empty(Validate(Hippo(s => s.PostgresVersion = version), Everything));
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(65534)]
    public void Ports_at_both_ends_of_the_range_are_accepted(int port)
    {
        Assert.Empty(Validate(Hippo(s => s.Port = port), Everything));
    }

    [Fact]
    public void A_machine_with_nothing_installed_says_so()
    {
        var problems = Validate(Hippo(), new HostFacts([], _ => true, (_, _) => true));

        Assert.Equal(
            ["spec.postgresVersion: PostgreSQL 15 is not installed on this machine (none is installed); install the package postgresql-15 or set postgresVersion to an installed version"],
            problems);
    }

    [Fact]
    public void Both_endpoint_ports_in_use_are_both_reported()
    {
        var problems = Validate(Hippo(s => s.Port = 7000), new HostFacts([15], p => p is not (7000 or 7001), (_, _) => true));

        Assert.Equal(2, problems.Length);
        Assert.Contains("port 7000 (the primary endpoint)", problems[0], StringComparison.Ordinal);
        Assert.Contains("port 7001 (the replicas endpoint)", problems[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Reserved_parameters_are_refused_whatever_their_case()
    {
        var cluster = Hippo(s => s.Patroni = new PatroniSpec
        {
            DynamicConfiguration = new() { Postgresql = new() { Parameters = new() { ["Port"] = "5433", ["work_mem"] = "64MB" } } },
        });

        var problem = Assert.Single(Validate(cluster));
        Assert.StartsWith("spec.patroni.dynamicConfiguration.postgresql.parameters.Port: Port is set by Tusk", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_reserved_parameter_has_a_reason()
    {
        Assert.All(ReservedParameters.Reasons, r => Assert.False(string.IsNullOrWhiteSpace(r.Value), r.Key));
        Assert.Contains("archive_command", ReservedParameters.Reasons.Keys);
        Assert.Contains("listen_addresses", ReservedParameters.Reasons.Keys);
    }

    [Fact]
    public void Quoted_library_names_are_checked_without_their_quotes()
    {
        var host = new HostFacts([15], _ => true, (_, library) => library == "pg_cron");
        var cluster = Hippo(s => s.Patroni = new PatroniSpec
        {
            DynamicConfiguration = new() { Postgresql = new() { Parameters = new() { ["shared_preload_libraries"] = "'pg_cron', \"pgaudit\"" } } },
        });

        var problem = Assert.Single(Validate(cluster, host));
        Assert.Contains("the library \"pgaudit\" is not installed for PostgreSQL 15", problem, StringComparison.Ordinal);
        Assert.Contains("install postgresql-15-pgaudit", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Libraries_are_not_checked_without_a_machine()
    {
        var cluster = Hippo(s => s.Patroni = new PatroniSpec
        {
            DynamicConfiguration = new() { Postgresql = new() { Parameters = new() { ["shared_preload_libraries"] = "pgaudit" } } },
        });

        Assert.Empty(Validate(cluster));
    }

    [Fact]
    public void A_database_name_is_limited_to_63_bytes_not_characters()
    {
        var fits = new string('d', 63);
        var tooLong = new string('é', 32); // 64 bytes in UTF-8
        var cluster = Hippo(s => s.Users = [new UserSpec { Name = "hippo", Databases = [fits, tooLong] }]);

        Assert.Equal(
            [$"spec.users[0].databases[1]: \"{tooLong}\" is not a valid database name; use 1 to 63 bytes"],
            Validate(cluster));
    }

    [Fact]
    public void A_repository_without_a_name_is_told_which_names_exist()
    {
        var cluster = Hippo(s => s.Backups = new BackupsSpec { Pgbackrest = new PgBackRestSpec { Repos = [new PgBackRestRepo()] } });

        Assert.Equal(["spec.backups.pgbackrest.repos[0].name: a repository needs a name; use repo1, repo2, repo3 or repo4"], Validate(cluster));
    }

    [Fact]
    public void A_cluster_name_of_exactly_40_characters_is_accepted()
    {
        var cluster = new PostgresCluster { Metadata = { Name = new string('h', 40) } };

        Assert.Empty(Validate(ClusterDefaults.Apply(cluster)));
    }

    [Fact]
    public void The_total_replicas_count_every_set()
    {
        var spec = Hippo(s => s.Instances = [new InstanceSet { Replicas = 2 }, new InstanceSet { Replicas = 3 }]).Spec;

        Assert.Equal(5, ClusterValidator.TotalReplicas(spec));
    }

    [Fact]
    public void Synchronous_mode_with_two_instances_raises_no_warning()
    {
        var cluster = Hippo(s =>
        {
            s.Instances = [new InstanceSet { Replicas = 2 }];
            s.Patroni = new PatroniSpec { SynchronousMode = true };
        });

        Assert.Empty(Validate(cluster));
    }
}
