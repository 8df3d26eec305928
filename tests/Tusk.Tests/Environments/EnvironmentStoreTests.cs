using System.Net;
using System.Runtime.Versioning;
using Npgsql;
using Tusk.Environments;

namespace Tusk.Tests.Environments;

[SupportedOSPlatform("linux")]
public sealed class EnvironmentStoreTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private async Task<(EnvironmentStore Store, string ConnectionString)> StoreAsync(AllocationPools? pools = null)
    {
        var connectionString = await server.CreateDatabaseAsync();
        var store = new EnvironmentStore(NpgsqlDataSource.Create(connectionString), pools ?? AllocationPools.Default);
        await store.MigrateAsync(CancellationToken.None);
        return (store, connectionString);
    }

    private static EnvironmentRequest Exact(string name, string? subnet = null, int? node = null, int? pf = null, int? http = null, int? https = null) => new(
        name,
        Providers.K3d,
        subnet is null ? ValueRequest.Empty : new ValueRequest(RequestKind.Exact, subnet),
        new Dictionary<string, ValueRequest>
        {
            [PortColumns.NodePort] = node is null ? ValueRequest.Empty : ValueRequest.Port(node.Value),
            [PortColumns.PfPort] = pf is null ? ValueRequest.Empty : ValueRequest.Port(pf.Value),
            [PortColumns.HttpPort] = http is null ? ValueRequest.Empty : ValueRequest.Port(http.Value),
            [PortColumns.HttpsPort] = https is null ? ValueRequest.Empty : ValueRequest.Port(https.Value),
        });

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private static void AssertAllDistinctAndApart(IReadOnlyList<KubeEnvironment> environments, int expected)
    {
        Assert.Equal(expected, environments.Count);
        foreach (var column in PortColumns.All)
        {
            var ports = environments.Select(e => e.Port(column)).ToList();
            Assert.All(ports, p => Assert.NotNull(p));
            Assert.Equal(expected, ports.Distinct().Count());
        }

        var all = environments.SelectMany(e => PortColumns.All.Select(c => e.Port(c)!.Value)).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        var subnets = environments.Select(e => IPNetwork.Parse(e.Subnet!)).ToList();
        for (var i = 0; i < subnets.Count; i++)
        {
            for (var j = i + 1; j < subnets.Count; j++)
            {
                Assert.False(subnets[i].Contains(subnets[j].BaseAddress) || subnets[j].Contains(subnets[i].BaseAddress), $"{subnets[i]} overlaps {subnets[j]}");
            }
        }
    }

    [Fact]
    public async Task Thirty_two_concurrent_auto_adds_get_32_distinct_values_per_port_column_and_subnets_that_do_not_overlap()
    {
        var (store, _) = await StoreAsync();
        await using var _s = store;
        using var start = new ManualResetEventSlim();
        var adds = Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await store.AddAsync(EnvironmentRequest.AllAuto($"env-{i}", i % 2 == 0 ? Providers.K3d : Providers.Kind), CancellationToken.None);
        })).ToList();
        start.Set();
        var outcomes = await Task.WhenAll(adds);

        Assert.All(outcomes, o => Assert.True(o.Ok, string.Join("; ", o.Problems)));
        AssertAllDistinctAndApart(await store.ListAsync(CancellationToken.None), 32);
        Assert.Equal(Enumerable.Range(20000, 32), (await store.ListAsync(CancellationToken.None)).Select(e => e.HttpPort!.Value).Order());
    }

    [Fact]
    public async Task A_stale_free_list_entry_costs_a_retry_and_is_pruned_never_a_second_owner()
    {
        var (store, connectionString) = await StoreAsync();
        await using var _s = store;
        Assert.True((await store.AddAsync(EnvironmentRequest.AllAuto("dev", Providers.K3d), CancellationToken.None)).Ok);

        // As if a race had listed dev's values as free again: the lists are a cache, the keys judge.
        await ScalarAsync(connectionString, "INSERT INTO tusk.free_ports SELECT port FROM tusk.environment_ports; INSERT INTO tusk.free_subnets SELECT subnet FROM tusk.environments");
        var outcome = await store.AddAsync(EnvironmentRequest.AllAuto("uat", Providers.K3d), CancellationToken.None);

        Assert.True(outcome.Ok, string.Join("; ", outcome.Problems));
        Assert.True(outcome.Retries >= 1);
        AssertAllDistinctAndApart(await store.ListAsync(CancellationToken.None), 2);
        Assert.Equal(0L, await ScalarAsync(connectionString, "SELECT count(*) FROM tusk.free_ports f JOIN tusk.environment_ports ep USING (port)"));
    }

    [Fact]
    public async Task A_subnet_inside_another_environments_subnet_is_refused_naming_the_holder()
    {
        var (store, connectionString) = await StoreAsync();
        await using var _s = store;
        Assert.True((await store.AddAsync(Exact("dev", subnet: "10.0.0.0/24"), CancellationToken.None)).Ok);

        var outcome = await store.AddAsync(Exact("uat", subnet: "10.0.0.128/25"), CancellationToken.None);

        Assert.Equal(OutcomeKind.Conflict, outcome.Kind);
        Assert.Equal("subnet 10.0.0.128/25 overlaps 10.0.0.0/24 of dev", Assert.Single(outcome.Problems));
        Assert.True((await store.AddAsync(Exact("prod", subnet: "10.0.1.0/25"), CancellationToken.None)).Ok);

        // The database itself refuses it, whoever writes.
        var e = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(connectionString, "INSERT INTO tusk.environments (name, provider, subnet) VALUES ('x', 'kind', '10.0.0.0/16')"));
        Assert.Equal(PostgresErrorCodes.ExclusionViolation, e.SqlState);
    }

    [Fact]
    public async Task A_port_another_environment_uses_in_any_column_is_refused_naming_the_holder_and_its_column()
    {
        var (store, connectionString) = await StoreAsync();
        await using var _s = store;
        Assert.True((await store.AddAsync(Exact("uat", https: 8080), CancellationToken.None)).Ok);

        var outcome = await store.AddAsync(Exact("dev", http: 8080), CancellationToken.None);

        Assert.Equal(OutcomeKind.Conflict, outcome.Kind);
        Assert.Equal("http_port 8080 is already used by uat (as https_port)", Assert.Single(outcome.Problems));
        var e = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(connectionString, "INSERT INTO tusk.environments (name, provider, node_port) VALUES ('x', 'kind', 8080)"));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, e.SqlState);
        var own = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(connectionString, "INSERT INTO tusk.environments (name, provider, http_port, pf_port) VALUES ('y', 'kind', 9000, 9000)"));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, own.SqlState);
    }

    [Fact]
    public async Task An_auto_port_skips_the_values_given_for_the_same_environment_and_those_held_by_others()
    {
        var (store, _) = await StoreAsync();
        await using var _s = store;
        Assert.True((await store.AddAsync(Exact("a", http: 20000), CancellationToken.None)).Ok);
        var request = EnvironmentRequest.AllAuto("b", Providers.K3d) with
        {
            Ports = new Dictionary<string, ValueRequest> { [PortColumns.NodePort] = ValueRequest.Port(20001), [PortColumns.HttpPort] = ValueRequest.Auto },
        };

        var outcome = await store.AddAsync(request, CancellationToken.None);

        Assert.True(outcome.Ok, string.Join("; ", outcome.Problems));
        Assert.Equal(20002, outcome.Environment!.HttpPort);
        Assert.Null(outcome.Environment.PfPort);
    }

    [Fact]
    public async Task Auto_values_fill_the_lowest_gaps_left_by_values_and_subnets_of_any_size()
    {
        var (store, _) = await StoreAsync();
        await using var _s = store;
        Assert.True((await store.AddAsync(Exact("a", subnet: "10.128.0.0/23", http: 20000), CancellationToken.None)).Ok);
        Assert.True((await store.AddAsync(Exact("b", subnet: "10.128.3.0/24", http: 20002), CancellationToken.None)).Ok);
        Assert.True((await store.AddAsync(Exact("outside", subnet: "192.168.0.0/16", https: 9000), CancellationToken.None)).Ok);

        var c = (await store.AddAsync(EnvironmentRequest.AllAuto("c", Providers.K3d), CancellationToken.None)).Environment!;
        var d = (await store.AddAsync(EnvironmentRequest.AllAuto("d", Providers.K3d), CancellationToken.None)).Environment!;

        Assert.Equal(("10.128.2.0/24", 20001, 22000), (c.Subnet, c.HttpPort, c.HttpsPort));
        Assert.Equal(("10.128.4.0/24", 20003, 22001), (d.Subnet, d.HttpPort, d.HttpsPort));
        Assert.True((await store.AddAsync(Exact("huge", subnet: "10.128.0.0/12"), CancellationToken.None)).Kind == OutcomeKind.Conflict);
    }

    [Fact]
    public async Task A_pool_covered_by_one_large_subnet_is_empty()
    {
        var (store, _) = await StoreAsync();
        await using var _s = store;
        Assert.True((await store.AddAsync(Exact("wide", subnet: "10.0.0.0/8"), CancellationToken.None)).Ok);

        var outcome = await store.AddAsync(EnvironmentRequest.AllAuto("c", Providers.K3d), CancellationToken.None);

        Assert.Equal(OutcomeKind.PoolExhausted, outcome.Kind);
        Assert.StartsWith("no free subnet is left in its pool 10.128.0.0/12 /24", Assert.Single(outcome.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Removing_an_environment_frees_its_port_and_subnet_for_the_next_auto_add()
    {
        var (store, _) = await StoreAsync();
        await using var _s = store;
        var first = (await store.AddAsync(EnvironmentRequest.AllAuto("one", Providers.K3d), CancellationToken.None)).Environment!;
        await store.AddAsync(EnvironmentRequest.AllAuto("two", Providers.K3d), CancellationToken.None);

        Assert.True((await store.RemoveAsync("one", CancellationToken.None)).Ok);
        var three = (await store.AddAsync(EnvironmentRequest.AllAuto("three", Providers.Kind), CancellationToken.None)).Environment!;

        Assert.Equal(first.HttpPort, three.HttpPort);
        Assert.Equal(first.Subnet, three.Subnet);
        Assert.Equal("10.128.0.0/24", three.Subnet);
        Assert.Equal(OutcomeKind.NotFound, (await store.RemoveAsync("one", CancellationToken.None)).Kind);
    }

    [Fact]
    public async Task An_empty_pool_is_reported_by_column_and_range()
    {
        var pools = AllocationPools.Default with { Ports = new Dictionary<string, PortRange>(AllocationPools.Default.Ports) { [PortColumns.PfPort] = new(25000, 25001) } };
        var (store, _) = await StoreAsync(pools);
        await using var _s = store;
        Assert.True((await store.AddAsync(EnvironmentRequest.AllAuto("a", Providers.K3d), CancellationToken.None)).Ok);
        Assert.True((await store.AddAsync(EnvironmentRequest.AllAuto("b", Providers.K3d), CancellationToken.None)).Ok);

        var outcome = await store.AddAsync(EnvironmentRequest.AllAuto("c", Providers.K3d), CancellationToken.None);

        Assert.Equal(OutcomeKind.PoolExhausted, outcome.Kind);
        Assert.StartsWith("no free pf_port is left in its pool 25000-25001", Assert.Single(outcome.Problems), StringComparison.Ordinal);
        Assert.Null(await store.GetAsync("c", CancellationToken.None));
    }

    [Fact]
    public async Task Set_changes_only_what_it_names_can_swap_two_ports_and_the_database_keeps_the_timestamps_and_the_audit()
    {
        var (store, connectionString) = await StoreAsync();
        await using var _s = store;
        var added = (await store.AddAsync(Exact("dev", subnet: "10.1.0.0/24", http: 8080, https: 8443), CancellationToken.None)).Environment!;
        await Task.Delay(20);

        var swap = new EnvironmentRequest("dev", null, ValueRequest.Unchanged, new Dictionary<string, ValueRequest> { [PortColumns.HttpPort] = ValueRequest.Port(8443), [PortColumns.HttpsPort] = ValueRequest.Port(8080) }, new Dictionary<string, string> { ["team"] = "web" });
        var outcome = await store.SetAsync(swap, CancellationToken.None);

        Assert.True(outcome.Ok, string.Join("; ", outcome.Problems));
        var changed = outcome.Environment!;
        Assert.Equal((8443, 8080), (changed.HttpPort, changed.HttpsPort));
        Assert.Equal("10.1.0.0/24", changed.Subnet);
        Assert.Equal("web", changed.Labels["team"]);
        Assert.Equal(added.CreatedAt, changed.CreatedAt);
        Assert.True(changed.UpdatedAt > added.UpdatedAt);
        Assert.Equal(OutcomeKind.NotFound, (await store.SetAsync(swap with { Name = "nope" }, CancellationToken.None)).Kind);
        await store.RemoveAsync("dev", CancellationToken.None);
        Assert.Equal("insert,update,delete", await ScalarAsync(connectionString, "SELECT string_agg(action, ',' ORDER BY id) FROM tusk.environment_changes WHERE environment = 'dev'"));
    }

    private const string SeedCsv = """
        name,provider,subnet,node_port,pf_port,http_port,https_port
        devops,k3d,10.101.0.0/16,30080,19000,18080,18443
        dev,kind,10.102.0.0/16,30081,19001,18081,18444
        uat,k3d,10.103.0.0/16,30082,19002,18082,18445
        prod,k3d,,30083,19003,,
        """;

    [Fact]
    public async Task Importing_the_same_csv_twice_adds_nothing_the_second_time_and_skips_devops()
    {
        var (store, _) = await StoreAsync();
        await using var _s = store;
        var parsed = EnvironmentCsv.Parse(SeedCsv);
        Assert.Empty(parsed.Problems);

        var first = await store.ImportAsync(parsed.Rows, new ImportOptions(), CancellationToken.None);
        var second = await store.ImportAsync(parsed.Rows, new ImportOptions(), CancellationToken.None);

        Assert.Equal((4, 3, 1, 0, true), (first.Total, first.Added, first.Skipped, first.Failed, first.Committed));
        Assert.Equal((4, 0, 4, 0), (second.Total, second.Added, second.Skipped, second.Failed));
        Assert.Equal(["dev", "prod", "uat"], (await store.ListAsync(CancellationToken.None)).Select(e => e.Name));
        Assert.Contains("--include-devops", second.Lines[0].Reason, StringComparison.Ordinal);

        var withDevops = await store.ImportAsync(parsed.Rows, new ImportOptions(IncludeDevops: true), CancellationToken.None);
        Assert.Equal(1, withDevops.Added);
    }

    [Fact]
    public async Task Import_with_update_overwrites_changed_environments_and_skips_unchanged_ones()
    {
        var (store, _) = await StoreAsync();
        await using var _s = store;
        await store.ImportAsync(EnvironmentCsv.Parse(SeedCsv).Rows, new ImportOptions(), CancellationToken.None);
        var changed = EnvironmentCsv.Parse(SeedCsv.Replace("30081,19001,18081", "30091,19001,18081", StringComparison.Ordinal));

        var report = await store.ImportAsync(changed.Rows, new ImportOptions(Update: true), CancellationToken.None);

        Assert.Equal((0, 1, 3), (report.Added, report.Updated, report.Skipped));
        Assert.Equal(30091, (await store.GetAsync("dev", CancellationToken.None))!.NodePort);
    }

    [Fact]
    public async Task A_file_whose_lines_conflict_is_rolled_back_whole_and_every_failing_line_is_named()
    {
        var (store, _) = await StoreAsync();
        await using var _s = store;
        await store.AddAsync(Exact("existing", subnet: "10.103.0.0/24", http: 18082), CancellationToken.None);
        var parsed = EnvironmentCsv.Parse(SeedCsv);

        var report = await store.ImportAsync(parsed.Rows, new ImportOptions(), CancellationToken.None);

        Assert.False(report.Committed);
        var failed = Assert.Single(report.Lines, l => l.Result == ImportResult.Failed);
        Assert.Equal(4, failed.Line);
        Assert.Equal("subnet 10.103.0.0/16 overlaps 10.103.0.0/24 of existing", failed.Reason);
        Assert.Equal(["existing"], (await store.ListAsync(CancellationToken.None)).Select(e => e.Name));
        Assert.Contains("nothing was imported", report.Summary(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migration_from_an_empty_database_reaches_the_latest_version_and_a_second_run_changes_nothing()
    {
        var connectionString = await server.CreateDatabaseAsync();
        await using var store = EnvironmentStore.Open(connectionString);

        var first = await store.MigrateAsync(CancellationToken.None);
        var again = await store.MigrateAsync(CancellationToken.None);

        Assert.Equal((0, Migrations.Latest, Migrations.All.Count), (first.From, first.To, first.Applied.Count));
        Assert.Empty(again.Applied);
        Assert.Equal((long)Migrations.Latest, await ScalarAsync(connectionString, "SELECT count(*) FROM tusk.schema_migrations"));
    }

    [Fact]
    public async Task Concurrent_inits_take_turns_and_apply_each_migration_once()
    {
        var connectionString = await server.CreateDatabaseAsync();
        await using var store = EnvironmentStore.Open(connectionString);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.MigrateAsync(CancellationToken.None))));

        Assert.Equal(Migrations.All.Count, results.Sum(r => r.Applied.Count));
        Assert.All(results, r => Assert.Equal(Migrations.Latest, r.To));
    }

    [Fact]
    public async Task Migration_from_version_1_keeps_the_environments_and_then_enforces_one_owner_per_port_across_columns()
    {
        var connectionString = await server.CreateDatabaseAsync();
        await using var store = EnvironmentStore.Open(connectionString);
        Assert.Equal(1, (await store.MigrateAsync(CancellationToken.None, upTo: 1)).To);
        await ScalarAsync(connectionString, "INSERT INTO tusk.environments (name, provider, subnet, http_port, https_port) VALUES ('dev', 'k3d', '10.1.0.0/24', 8080, 8443)");
        // Version 1 only knew per-column uniqueness: this is accepted there.
        await ScalarAsync(connectionString, "INSERT INTO tusk.environments (name, provider, http_port) VALUES ('uat', 'kind', 9443)");

        var result = await store.MigrateAsync(CancellationToken.None);

        Assert.Equal((1, Migrations.Latest), (result.From, result.To));
        Assert.Equal(3L, await ScalarAsync(connectionString, "SELECT count(*) FROM tusk.environment_ports"));
        var outcome = await store.AddAsync(Exact("prod", node: 8443), CancellationToken.None);
        Assert.Equal("node_port 8443 is already used by dev (as https_port)", Assert.Single(outcome.Problems));
        Assert.Equal("10.1.0.0/24", (await store.GetAsync("dev", CancellationToken.None))!.Subnet);
    }

    [Fact]
    public async Task A_version_1_database_with_a_port_in_two_columns_stops_the_migration_and_stays_at_version_1()
    {
        var connectionString = await server.CreateDatabaseAsync();
        await using var store = EnvironmentStore.Open(connectionString);
        await store.MigrateAsync(CancellationToken.None, upTo: 1);
        await ScalarAsync(connectionString, "INSERT INTO tusk.environments (name, provider, http_port) VALUES ('dev', 'k3d', 8080)");
        await ScalarAsync(connectionString, "INSERT INTO tusk.environments (name, provider, https_port) VALUES ('uat', 'k3d', 8080)");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => store.MigrateAsync(CancellationToken.None));

        Assert.Contains("migration 2", e.Message, StringComparison.Ordinal);
        Assert.Contains("ports used more than once: 8080 (dev as http_port and uat as https_port)", e.Message, StringComparison.Ordinal);
        Assert.Equal(1L, await ScalarAsync(connectionString, "SELECT count(*) FROM tusk.schema_migrations"));
    }
}
