using System.Runtime.Versioning;
using System.Text.Json;
using Tusk.Planning;
using Tusk.Runtime.Local;
using static Tusk.Tests.Runtime.Local.LocalPlans;

namespace Tusk.Tests.Runtime.Local;

[SupportedOSPlatform("linux")]
public class PatroniConfigBuilderTests
{
    private const string Ca = "/state/ca/ca.crt";
    private const int EtcdPort = 2479;

    private static (ClusterPlan Plan, LocalMember Member, JsonElement Config) Build(int member = 1)
    {
        var plan = Plan();
        var local = Members(plan)[member];
        var config = PatroniConfigBuilder.Build(plan, local, Secrets, EtcdPort, "postgres", Ca);
        return (plan, local, JsonDocument.Parse(JsonSerializer.Serialize(config)).RootElement.Clone());
    }

    private static string Text(JsonElement element, string path)
    {
        var node = path.Split('.').Aggregate(element, (e, key) => e.GetProperty(key));
        Assert.Equal(JsonValueKind.String, node.ValueKind);
        return node.GetString()!;
    }

    private static JsonElement At(JsonElement element, string path) => path.Split('.').Aggregate(element, (e, key) => e.GetProperty(key));

    [Fact]
    public void Scope_namespace_and_name_identify_the_member_in_etcd()
    {
        var (_, member, config) = Build();

        Assert.Equal("default-hippo", Text(config, "scope"));
        Assert.Equal("/tusk/", Text(config, "namespace"));
        Assert.Equal("hippo-instance1-1", Text(config, "name"));
        Assert.Equal(member.Name, Text(config, "name"));
    }

    [Fact]
    public void The_REST_API_listens_on_loopback_only_and_requires_authentication()
    {
        var (_, _, config) = Build();

        Assert.Equal("127.0.0.1:18001", Text(config, "restapi.listen"));
        Assert.Equal("127.0.0.1:18001", Text(config, "restapi.connect_address"));
        Assert.Equal("tusk", Text(config, "restapi.authentication.username"));
        Assert.Equal(Secrets.RestApi, Text(config, "restapi.authentication.password"));
    }

    [Fact]
    public void The_DCS_is_the_agents_etcd_over_the_v3_API()
    {
        var (_, _, config) = Build();

        Assert.Equal($"127.0.0.1:{EtcdPort}", Text(config, "etcd3.hosts"));
        Assert.False(config.TryGetProperty("etcd", out _));
    }

    [Fact]
    public void Bootstrap_DCS_timings_and_synchronous_mode_come_from_the_spec()
    {
        var (_, _, config) = Build();
        var dcs = At(config, "bootstrap.dcs");

        Assert.Equal(20, dcs.GetProperty("ttl").GetInt32());
        Assert.Equal(5, dcs.GetProperty("loop_wait").GetInt32());
        Assert.Equal(PatroniTimingsRetry(20, 5), dcs.GetProperty("retry_timeout").GetInt32());
        Assert.True(dcs.GetProperty("synchronous_mode").GetBoolean());
        Assert.True(At(dcs, "postgresql.use_pg_rewind").GetBoolean());
        Assert.True(At(dcs, "postgresql.use_slots").GetBoolean());
    }

    private static int PatroniTimingsRetry(int ttl, int loopWait) => Tusk.Api.PatroniTimings.From(ttl, loopWait).RetryTimeout;

    [Fact]
    public void PostgreSQL_listens_and_is_reached_on_the_members_own_port()
    {
        var (_, member, config) = Build();

        Assert.Equal("127.0.0.1:15001", Text(config, "postgresql.listen"));
        Assert.Equal("127.0.0.1:15001", Text(config, "postgresql.connect_address"));
        Assert.Equal(member.DataDirectory, Text(config, "postgresql.data_dir"));
        Assert.Equal("/state/clusters/default/hippo/hippo-instance1-1/data", Text(config, "postgresql.data_dir"));
        Assert.Equal(member.PgPassFile, Text(config, "postgresql.pgpass"));
    }

    [Fact]
    public void The_binaries_are_those_of_the_planned_PostgreSQL_version()
    {
        var (_, _, config) = Build();

        Assert.Equal("/usr/lib/postgresql/15/bin", Text(config, "postgresql.bin_dir"));
    }

    [Fact]
    public void TLS_is_on_with_the_members_certificate_and_the_clusters_CA()
    {
        var (_, member, config) = Build();
        var parameters = At(config, "postgresql.parameters");

        Assert.Equal("on", Text(parameters, "ssl"));
        Assert.Equal(Path.Combine(member.TlsDirectory, "server.crt"), Text(parameters, "ssl_cert_file"));
        Assert.Equal(Path.Combine(member.TlsDirectory, "server.key"), Text(parameters, "ssl_key_file"));
        Assert.Equal(Ca, Text(parameters, "ssl_ca_file"));
        Assert.Equal(member.SocketDirectory, Text(parameters, "unix_socket_directories"));
        Assert.Equal(member.Name, Text(parameters, "cluster_name"));
    }

    [Theory]
    [InlineData("superuser", "postgres", "superuser-Secret-1")]
    [InlineData("replication", "tusk_replication", "replication-Secret-2")]
    [InlineData("rewind", "tusk_rewind", "rewind-Secret-3")]
    public void Patronis_own_connections_authenticate_with_their_password_and_verify_the_CA(string kind, string user, string password)
    {
        var (_, _, config) = Build();
        var credentials = At(config, $"postgresql.authentication.{kind}");

        Assert.Equal(user, Text(credentials, "username"));
        Assert.Equal(password, Text(credentials, "password"));
        Assert.Equal("verify-ca", Text(credentials, "sslmode"));
        Assert.Equal(Ca, Text(credentials, "sslrootcert"));
    }

    [Fact]
    public void The_watchdog_mode_is_the_string_off_so_YAML_1_1_readers_cannot_turn_it_into_false()
    {
        var (_, _, config) = Build();

        Assert.Equal(JsonValueKind.String, At(config, "watchdog.mode").ValueKind);
        Assert.Equal("off", Text(config, "watchdog.mode"));
    }

    [Fact]
    public void A_new_replicas_base_backup_asks_for_a_fast_checkpoint()
    {
        var (_, _, config) = Build();
        var basebackup = At(config, "postgresql.basebackup");

        Assert.Equal(JsonValueKind.Array, basebackup.ValueKind);
        Assert.Contains(basebackup.EnumerateArray(), o => o.ValueKind == JsonValueKind.Object && o.TryGetProperty("checkpoint", out var c) && c.GetString() == "fast");
    }

    [Fact]
    public void pg_hba_and_pg_ident_are_the_planned_rules_for_loopback()
    {
        var (plan, _, config) = Build();

        Assert.Equal(PgHbaPlanner.Plan(plan, ["127.0.0.1/32", "::1/128"]), At(config, "postgresql.pg_hba").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal(["tusk postgres postgres"], At(config, "postgresql.pg_ident").EnumerateArray().Select(e => e.GetString()!));
    }

    [Fact]
    public void The_dynamic_configuration_carries_base_and_user_parameters()
    {
        var plan = Plan();
        var dynamic = JsonDocument.Parse(JsonSerializer.Serialize(PatroniConfigBuilder.DynamicConfiguration(plan))).RootElement;
        var parameters = At(dynamic, "postgresql.parameters");

        Assert.Equal("8MB", Text(parameters, "work_mem"));
        Assert.Equal("150", Text(parameters, "max_connections"));
        Assert.Equal("replica", Text(parameters, "wal_level"));
        Assert.Equal(plan.Parameters.Count, parameters.EnumerateObject().Count());
        Assert.Equal(1048576, dynamic.GetProperty("maximum_lag_on_failover").GetInt32());
    }

    [Fact]
    public void Bootstrap_DCS_is_the_dynamic_configuration()
    {
        var plan = Plan();
        var (_, _, config) = Build();

        Assert.Equal(
            JsonSerializer.Serialize(PatroniConfigBuilder.DynamicConfiguration(plan)),
            At(config, "bootstrap.dcs").GetRawText());
    }

    [Fact]
    public void No_password_appears_in_the_arguments_Patroni_is_started_with()
    {
        var plan = Plan();
        foreach (var member in Members(plan))
        {
            var spec = PatroniLauncher.Spec(member, "/state/clusters/default/pg/patroni-launcher.py");
            var passwords = new[] { Secrets.Superuser, Secrets.Replication, Secrets.Rewind, Secrets.RestApi }.Concat(Secrets.Users.Values);

            var commandLine = string.Join(' ', [spec.Executable, .. spec.Arguments]);
            foreach (var password in passwords)
            {
                Assert.DoesNotContain(password, commandLine, StringComparison.Ordinal);
            }

            Assert.Equal(member.PatroniConfig, spec.Identity);
        }
    }

    [Fact]
    public void Without_backups_every_segment_is_archived_by_true_so_turning_backups_on_needs_no_restart()
    {
        var (_, _, config) = Build();

        Assert.Equal("on", Text(config, "postgresql.parameters.archive_mode"));
        Assert.Equal("/bin/true", Text(config, "postgresql.parameters.archive_command"));
        Assert.False(At(config, "bootstrap").TryGetProperty("method", out _));
    }

    [Fact]
    public void With_backups_the_member_archives_through_pgBackRest_and_a_pending_restore_bootstraps_from_the_repository()
    {
        var plan = Plan(Yaml + "  backups:\n    pgbackrest:\n      repos:\n        - name: repo1\n");
        var member = Members(plan)[0];
        var target = Tusk.Planning.Backups.RestoreTarget.ToBackup("20261130-140814F");
        var config = JsonDocument.Parse(JsonSerializer.Serialize(PatroniConfigBuilder.Build(plan, member, Secrets, EtcdPort, "postgres", Ca, target))).RootElement;

        Assert.StartsWith("pgbackrest --config=", Text(config, "postgresql.parameters.archive_command"), StringComparison.Ordinal);
        Assert.Equal("pgbackrest", Text(config, "bootstrap.method"));
        Assert.EndsWith("--set=20261130-140814F --type=immediate restore", Text(config, "bootstrap.pgbackrest.command"), StringComparison.Ordinal);
        Assert.True(At(config, "bootstrap.pgbackrest.no_params").GetBoolean());
        // Patroni's recovery settings replace pgBackRest's: a pausing recovery keeps hot_standby on.
        Assert.False(At(config, "bootstrap.pgbackrest").TryGetProperty("keep_existing_recovery_conf", out _));
        Assert.Equal("immediate", Text(config, "bootstrap.pgbackrest.recovery_conf.recovery_target"));
        Assert.Equal("pause", Text(config, "bootstrap.pgbackrest.recovery_conf.recovery_target_action"));
        Assert.Contains("archive-get %f", Text(config, "bootstrap.pgbackrest.recovery_conf.restore_command"), StringComparison.Ordinal);
    }
}
