using System.Diagnostics;
using System.Globalization;
using System.Text;
using Tusk.Environments;

namespace Tusk.Bench;

/// <summary>
/// Issue 7's figures: 1,000 auto-allocating adds through EnvironmentStore, sequential and with
/// 16 workers, against the seed's approach — a bash loop running one `psql -c` per operation
/// (SELECT max()+1, then INSERT) — on the same throwaway PostgreSQL, in the same run.
/// Conflicts are counted in the data afterwards: ports used twice (in any column) and
/// overlapping subnets.
/// </summary>
public static class EnvBenchmark
{
    private const int Adds = 1000;
    private const int Workers = 16;

    // The seed's table (scripts/init_database.sh): no constraint on ports or subnets, which the
    // scripts check and compute on the client.
    private const string SeedSchema = """
        CREATE TABLE clusters (
            name text PRIMARY KEY, provider text NOT NULL, subnet text,
            node_port integer, pf_port integer, http_port integer, https_port integer,
            created_at timestamptz DEFAULT now(), updated_at timestamptz DEFAULT now());
        CREATE INDEX clusters_provider ON clusters (provider);
        CREATE INDEX clusters_created_at ON clusters (created_at);
        """;

    // One add the seed's way: one psql for the next free values (max()+1), one psql to insert.
    private const string SeedAdd = """
        add() {
          local name=$1 next
          next=$(psql -qAtX -F ' ' -c "SELECT coalesce(max(node_port), 29999) + 1, coalesce(max(pf_port), 23999) + 1, coalesce(max(http_port), 19999) + 1, coalesce(max(https_port), 21999) + 1, count(*) FROM clusters") || return 1
          set -- $next
          local subnet="10.$((128 + $5 / 256)).$(($5 % 256)).0/24"
          psql -qAtX -c "INSERT INTO clusters (name, provider, subnet, node_port, pf_port, http_port, https_port) VALUES ('$name', 'k3d', '$subnet', $1, $2, $3, $4)" >/dev/null || return 1
        }
        """;

    public static async Task<int> RunAsync(string? write)
    {
        await using var server = await EnvPostgres.StartAsync();
        var rows = new List<string>();
        var psql = (await Shell.RunAsync("psql", ["--version"])).Out.Trim();

        Console.Error.WriteLine("== tusk env: sequential");
        var (tuskSequential, tuskSequentialConflicts, _) = await TuskAsync(server, "tusk_seq", workers: 1);
        Console.Error.WriteLine("== tusk env: 16 workers");
        var (tuskConcurrent, tuskConcurrentConflicts, _) = await TuskAsync(server, "tusk_conc", Workers);
        Console.Error.WriteLine("== seed: bash + psql -c, sequential");
        var (seedSequential, seedSequentialConflicts) = await SeedAsync(server, "seed_seq", workers: 1);
        Console.Error.WriteLine("== seed: bash + psql -c, 16 workers");
        var (seedConcurrent, seedConcurrentConflicts) = await SeedAsync(server, "seed_conc", Workers);

        string Rate(double seconds) => string.Create(CultureInfo.InvariantCulture, $"{Adds / seconds:0} adds/s");
        string Ratio(double tusk, double seed) => string.Create(CultureInfo.InvariantCulture, $"{seed / tusk:0}×");
        rows.Add($"| 1,000 auto-allocating adds, sequential | ≥ 20× baseline, 0 conflicts | {Rate(tuskSequential)}, {tuskSequentialConflicts} conflicts | {Rate(seedSequential)}, {seedSequentialConflicts} conflicts | {Ratio(tuskSequential, seedSequential)} |");
        rows.Add($"| 1,000 auto-allocating adds, 16 workers | ≥ 20× baseline, 0 conflicts | {Rate(tuskConcurrent)}, {tuskConcurrentConflicts} conflicts | {Rate(seedConcurrent)}, {seedConcurrentConflicts} conflicts | {Ratio(tuskConcurrent, seedConcurrent)} |");

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores, one throwaway PostgreSQL 15 (default settings, fsync on), {psql}.");
        report.AppendLine();
        report.AppendLine("| figure | target | Tusk (`EnvironmentStore`) | seed's approach (bash loop, `psql -c` per operation) | speed-up |");
        report.AppendLine("|---|---|---|---|---|");
        foreach (var row in rows)
        {
            report.AppendLine(row);
        }

        Console.WriteLine(report);
        if (write is not null)
        {
            await ReportFile.WriteAsync(write, "bench-env", report.ToString());
        }

        return 0;
    }

    private static async Task<(double Seconds, long Conflicts, int Retries)> TuskAsync(EnvPostgres server, string database, int workers)
    {
        await server.ExecuteAsync("postgres", $"CREATE DATABASE {database}");
        await using var store = EnvironmentStore.Open(server.ConnectionString(database));
        await store.MigrateAsync(CancellationToken.None);
        var retries = 0;
        var failures = new List<string>();
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < Adds; i = Interlocked.Increment(ref next))
            {
                var outcome = await store.AddAsync(EnvironmentRequest.AllAuto($"env-{i}", Providers.K3d), CancellationToken.None);
                Interlocked.Add(ref retries, outcome.Retries);
                if (!outcome.Ok)
                {
                    lock (failures)
                    {
                        failures.Add(string.Join("; ", outcome.Problems));
                    }
                }
            }
        })));
        var seconds = clock.Elapsed.TotalSeconds;
        if (failures.Count > 0)
        {
            throw new InvalidOperationException($"{failures.Count} adds failed, e.g. {failures[0]}");
        }

        return (seconds, await ConflictsAsync(server, database, "tusk.environments", "subnet"), retries);
    }

    private static async Task<(double Seconds, long Conflicts)> SeedAsync(EnvPostgres server, string database, int workers)
    {
        await server.ExecuteAsync("postgres", $"CREATE DATABASE {database}");
        await server.ExecuteAsync(database, SeedSchema);
        var script = $$"""
            {{SeedAdd}}
            worker() {
              local i
              for ((i = $1; i < {{Adds}}; i += {{workers}})); do add "env-$i" || echo "add env-$i failed" >&2; done
            }
            for ((w = 0; w < {{workers}}; w++)); do worker $w & done
            wait
            """;
        var clock = Stopwatch.StartNew();
        await Shell.RunAsync("bash", ["-c", script], server.PsqlEnvironment(database));
        var seconds = clock.Elapsed.TotalSeconds;
        var added = await server.ScalarAsync(database, "SELECT count(*) FROM clusters");
        if (added != Adds)
        {
            Console.Error.WriteLine($"  the seed's loop stored {added} of {Adds} rows");
        }

        return (seconds, await ConflictsAsync(server, database, "clusters", "subnet::cidr"));
    }

    /// <summary>Rows that share a port with an earlier row (any column), plus pairs of overlapping subnets.</summary>
    private static async Task<long> ConflictsAsync(EnvPostgres server, string database, string table, string subnet) =>
        await server.ScalarAsync(database, $"""
            SELECT (SELECT count(*) - count(DISTINCT port) FROM {table}, LATERAL (VALUES (node_port), (pf_port), (http_port), (https_port)) AS v (port) WHERE port IS NOT NULL)
                 + (SELECT count(*) FROM {table} a JOIN {table} b ON a.name < b.name AND ({subnet.Replace("subnet", "a.subnet", StringComparison.Ordinal)}) && ({subnet.Replace("subnet", "b.subnet", StringComparison.Ordinal)}))
            """);
}
