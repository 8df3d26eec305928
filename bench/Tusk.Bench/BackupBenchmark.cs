using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;
using Tusk.Api;
using Tusk.Runtime.Local;

namespace Tusk.Bench;

/// <summary>
/// Issue 4's backup figures, in one run. A 1-instance cluster with pgBackRest holds a pgbench
/// scale-20 database: `tusk backup --wait` against the same pgBackRest backup run by hand with the
/// leader's own configuration, alternated; `tusk restore --to-backup` in place against pgBackRest
/// restoring the same backup into an empty directory plus pg_ctl starting it until it takes
/// writes, alternated. Then a 3-instance cluster: `tusk restore --to-time` until Ready on the new
/// timeline, each run after a full backup of its own and checked (the row written before the
/// target is there, the one after is not).
/// </summary>
public static class BackupBenchmark
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    private const string BackupsSpec = "  backups: {pgbackrest: {repos: [{name: repo1}]}}";

    /// <param name="scale">pgbench's scale for the 1-instance database (20: about 300 MiB). At another scale the report goes into its own block, bench-backup-scale-N.</param>
    public static async Task<int> RunAsync(string tuskPath, int runs, string? write, int scale = 20)
    {
        if (!File.Exists(tuskPath))
        {
            Console.Error.WriteLine($"error: {tuskPath} does not exist; build it with `dotnet publish src/Tusk.Cli -c Release -o artifacts/tusk`");
            return 2;
        }

        await using var install = new TuskInstall(tuskPath);
        var port = TuskInstall.FreePortPair();
        Console.Error.WriteLine($"== a 1-instance cluster with pgBackRest, pgbench -i -s {scale}");
        await install.ApplyAsync("bk1", port, 1, extraSpec: BackupsSpec);
        await Shell.RunAsync("pgbench", ["-i", "-q", "-s", Text(scale), "-h", "127.0.0.1", "-p", Text(port), "postgres"], PgEnvironment(install, "bk1"));
        long databaseBytes;
        await using (var connection = SuperuserConnection(install, "bk1", port))
        {
            await connection.OpenAsync();
            await using var size = new NpgsqlCommand("SELECT pg_database_size('postgres')", connection);
            databaseBytes = (long)(await size.ExecuteScalarAsync())!;
        }

        var config = await LeaderConfigAsync(install, "bk1");
        await FullBackupAsync(install, "bk1");

        // Each run's wall time less the copy pgBackRest's own log reports: what each side spends
        // besides the copy, whose time on this disk varies by more than the whole difference.
        var bk1Members = Path.Combine(install.ClusterPath("bk1"), "members");
        double BeyondCopy(double wall, string command, double? copy = null) =>
            wall - (copy ?? PgBackRestSeconds(bk1Members, command) ?? throw new InvalidOperationException($"no \"{command} command end\" line in any db-{command}.log under {bk1Members}"));

        Console.Error.WriteLine("== full backup: tusk backup --wait against pgbackrest backup, alternated");
        var tuskBackup = new List<double>();
        var directBackup = new List<double>();
        var tuskBackupBeyondCopy = new List<double>();
        var directBackupBeyondCopy = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            await SettleDiskAsync();
            tuskBackup.Add(await Measure.SecondsAsync(() => install.TuskAsync("backup", "bk1", "--wait", "--type", "full")));
            tuskBackupBeyondCopy.Add(BeyondCopy(tuskBackup[^1], "backup"));
            Console.Error.WriteLine($"  tusk backup run {run + 1}/{runs}: {tuskBackup[^1]:0.000} ({tuskBackupBeyondCopy[^1]:0.000} besides the copy)");
            await SettleDiskAsync();
            directBackup.Add(await Measure.SecondsAsync(() => Shell.RunAsync("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "pgbackrest", $"--config={config}", "--stanza=db", "--type=full", "backup"])));
            directBackupBeyondCopy.Add(BeyondCopy(directBackup[^1], "backup"));
            Console.Error.WriteLine($"  pgbackrest backup run {run + 1}/{runs}: {directBackup[^1]:0.000} ({directBackupBeyondCopy[^1]:0.000} besides the copy)");
        }

        var label = (await BackupsAsync(install, "bk1")).Where(b => b.Type == "full").MaxBy(b => b.StoppedAt)!.Label;

        Console.Error.WriteLine($"== restore of {label}: tusk restore --to-backup against pgbackrest restore + pg_ctl start, alternated, each run in another order");
        var tuskRestore = new List<double>();
        var directRestore = new List<double>();
        var directRestoreOnly = new List<double>();
        var directFetchRestore = new List<double>();
        var restorePhases = new List<Phases>();
        var tuskBeyondCopy = new List<double>();
        var directBeyondCopy = new List<double>();
        var directFetchBeyondCopy = new List<double>();
        Func<int, Task>[] sides =
        [
            async run =>
            {
                tuskRestore.Add(await TimedRestoreAsync(install, "bk1", restorePhases, "--to-backup", label));
                tuskBeyondCopy.Add(BeyondCopy(tuskRestore[^1], "restore", restorePhases[^1].PgBackRest));
                Console.Error.WriteLine($"  tusk restore run {run + 1}/{runs}: {tuskRestore[^1]:0.000} ({restorePhases[^1]})");
            },
            async run =>
            {
                var (restoreOnly, writable) = await DirectRestoreAsync(install, "bk1", config, label, port, fetchWalDirectly: false);
                directRestoreOnly.Add(restoreOnly);
                directRestore.Add(writable);
                directBeyondCopy.Add(BeyondCopy(writable, "restore"));
                Console.Error.WriteLine($"  pgbackrest restore run {run + 1}/{runs}: {restoreOnly:0.000} (writable after {writable:0.000})");
            },
            async run =>
            {
                var (_, writable) = await DirectRestoreAsync(install, "bk1", config, label, port, fetchWalDirectly: true);
                directFetchRestore.Add(writable);
                directFetchBeyondCopy.Add(BeyondCopy(writable, "restore"));
                Console.Error.WriteLine($"  pgbackrest restore, WAL fetched directly, run {run + 1}/{runs}: writable after {writable:0.000}");
            },
        ];
        for (var run = 0; run < runs; run++)
        {
            // Each side goes first, second and third in turn: in one run with a fixed order, the
            // side that went first was the fastest in most rounds (the disk still busy with the
            // run before it, despite the settling).
            for (var i = 0; i < sides.Length; i++)
            {
                await sides[(run + i) % sides.Length](run);
            }
        }

        await install.TuskAsync("delete", "cluster", "bk1", "--yes"); // its CPU is not part of the next figure; its files (and logs) go with the state directory

        Console.Error.WriteLine("== point-in-time restore of a 3-instance cluster");
        var port3 = TuskInstall.FreePortPair();
        await install.ApplyAsync("bk3", port3, 3, extraSpec: BackupsSpec);
        var pitrPhases = new List<Phases>();
        var pitr = await Measure.RepeatAsync("tusk restore --to-time, 3 instances", runs, run => PointInTimeRestoreAsync(install, "bk3", port3, run, pitrPhases));

        string S(List<double> values) => new Sample("", values).Format("s");
        double Median(List<double> values) => new Sample("", values).Median;
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores; pgBackRest {(await Shell.RunAsync("pgbackrest", ["version"])).Out.Trim().Replace("pgBackRest ", "", StringComparison.Ordinal)}, PostgreSQL 15, zst compression (Tusk's default), repository on the same disk; pgbench scale {scale} ({databaseBytes / 1048576.0:0} MiB database); runs of Tusk and the baseline alternated; median (min, max, n). Wall time of whole commands.");
        report.AppendLine();
        report.AppendLine("| figure | target | Tusk | baseline (same run) |");
        report.AppendLine("|---|---|---|---|");
        report.AppendLine(CultureInfo.InvariantCulture, $"| full backup: `tusk backup --wait --type full` | ≤ 1.05× direct | {S(tuskBackup)} ({Median(tuskBackup) / Median(directBackup):0.00}×) | `pgbackrest --type=full backup` with the leader's configuration: {S(directBackup)} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| restore of that backup, 1 instance: `tusk restore --to-backup --yes --wait` → Ready | ≤ 1.05× direct | {S(tuskRestore)} ({Median(tuskRestore) / Median(directRestore):0.00}×) | `pgbackrest restore --type=immediate --target-action=promote` into an empty directory + `pg_ctl start` until `pg_is_in_recovery()` is false: {S(directRestore)}; the pgBackRest restore alone: {S(directRestoreOnly)}. The same with Tusk's restore_command, which fetches this backup's few WAL segments directly (`--no-archive-async`): {S(directFetchRestore)} (Tusk {Median(tuskRestore) / Median(directFetchRestore):0.00}× that) |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| point-in-time restore, 3 instances: `tusk restore --to-time --yes --wait` → Ready on the new timeline, replicas rebuilt (checked: the row before the target is there, the one after is not) | ≤ 10 s | {pitr.Format("s")} | — |");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Besides the copy (each run's wall time less the copy pgBackRest's own log reports, which varies with the disk by more than the whole difference): full backup: Tusk {S(tuskBackupBeyondCopy)}, the bare command {S(directBackupBeyondCopy)}. Restore, 1 instance: Tusk {S(tuskBeyondCopy)}; the bare commands {S(directBeyondCopy)}; the same commands with Tusk's restore_command {S(directFetchBeyondCopy)}.");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Where Tusk's restore time goes (medians, from the CLI's clock and the cluster's `status.restore`): 1 instance {Phases.Medians(restorePhases)}; 3 instances {Phases.Medians(pitrPhases)}.");
        Console.WriteLine(report);
        if (write is not null)
        {
            await ReportFile.WriteAsync(write, scale == 20 ? "bench-backup" : $"bench-backup-scale-{scale}", report.ToString());
        }

        return 0;
    }

    /// <summary>A full backup, unmeasured. Retried for up to two minutes: the agent creates the stanza after the cluster is Ready, so the first `tusk backup` may come too early.</summary>
    private static async Task FullBackupAsync(TuskInstall install, string cluster)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var (exit, output) = await Shell.RunAsync(install.Executable, ["backup", cluster, "--wait", "--type", "full"], new Dictionary<string, string> { ["TUSK_HOME"] = install.Home }, check: false);
            if (exit == 0)
            {
                return;
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(120))
            {
                throw new InvalidOperationException($"tusk backup {cluster} kept failing for two minutes (exit {exit}): {output}");
            }

            await Task.Delay(2000);
        }
    }

    private static async Task<string> LeaderConfigAsync(TuskInstall install, string cluster)
    {
        var leader = (await install.DescribeAsync(cluster)).Status!.Instances.Single(i => i.Role == "leader").Name;
        return Path.Combine(install.ClusterPath(cluster), "members", leader, "pgbackrest.conf");
    }

    private static async Task<List<BackupRecord>> BackupsAsync(TuskInstall install, string cluster) =>
        Json.Deserialize<List<BackupRecord>>((await install.TuskAsync("get", "backups", cluster, "-o", "json")).Out)!;

    /// <summary>
    /// What a user does without Tusk: pgBackRest restores the backup into a new empty directory,
    /// then pg_ctl starts it beside the cluster (own port and socket directory, archiving off so
    /// the repository is not touched) and the clock stops when it takes writes.
    /// </summary>
    /// <param name="fetchWalDirectly">Recovery's restore_command as Tusk writes it for a backup with a few WAL segments (archive-get without archive-async), instead of pgBackRest's default with the leader's configuration (asynchronous).</param>
    private static async Task<(double RestoreOnly, double Writable)> DirectRestoreAsync(TuskInstall install, string cluster, string config, string label, int clusterPort, bool fetchWalDirectly)
    {
        var root = Path.Combine(install.Home, "direct-restore");
        var data = Path.Combine(root, "data");
        Directory.CreateDirectory(data);
        await Shell.RunAsync("chown", ["-R", "postgres:postgres", root]);
        File.SetUnixFileMode(data, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var port = PortAllocator.FreePort(new HashSet<int> { clusterPort, clusterPort + 1 });
        await SettleDiskAsync();
        var clock = Stopwatch.StartNew();
        try
        {
            string[] fetch = fetchWalDirectly ? [$"--recovery-option=restore_command=pgbackrest --config={config} --stanza=db --pg1-path={data} --no-archive-async archive-get %f \"%p\""] : [];
            await Shell.RunAsync("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "pgbackrest", $"--config={config}", "--stanza=db", $"--pg1-path={data}", $"--set={label}", "--type=immediate", "--target-action=promote", .. fetch, "restore"]);
            var restoreOnly = clock.Elapsed.TotalSeconds;
            await Shell.RunAsync("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", $"{Bin}/pg_ctl", "-D", data, "-w", "-t", "300", "-l", Path.Combine(root, "log"), "-o", $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c archive_mode=off", "start"]);
            await using var connection = SuperuserConnection(install, cluster, port);
            await connection.OpenAsync();
            while (true)
            {
                await using var recovering = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection);
                if (await recovering.ExecuteScalarAsync() is false)
                {
                    break;
                }

                if (clock.Elapsed > TimeSpan.FromMinutes(5))
                {
                    throw new InvalidOperationException($"the restored directory {data} was still in recovery after five minutes");
                }

                await Task.Delay(20);
            }

            return (restoreOnly, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            if (File.Exists(Path.Combine(data, "postmaster.pid")))
            {
                await Shell.RunAsync("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", $"{Bin}/pg_ctl", "-D", data, "-w", "-m", "immediate", "stop"], check: false);
            }

            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>
    /// One point-in-time restore: a full backup (untimed), a row, the target time, another row;
    /// the restore is timed until Ready, then the rows tell whether it stopped at the target.
    /// Anything else fails the benchmark. The backup makes the runs alike: restoring from the
    /// first backup every time, run N replayed the WAL of every earlier run's timeline, and the
    /// runs grew slower one after another (8.0 s to 13.4 s over five here).
    /// </summary>
    private static async Task<double> PointInTimeRestoreAsync(TuskInstall install, string cluster, int port, int run, List<Phases> phases)
    {
        await FullBackupAsync(install, cluster);
        string target;
        var timelineBefore = (await install.DescribeAsync(cluster)).Status!.Instances.Single(i => i.Role == "leader").Timeline;
        await using (var connection = SuperuserConnection(install, cluster, port))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS bench_pitr (run int, side text)");
            await ExecuteAsync(connection, $"INSERT INTO bench_pitr VALUES ({run}, 'before')");
            // A target in the second the backup ended is refused (pgBackRest compares whole seconds).
            await Task.Delay(1000);
            await using (var now = new NpgsqlCommand("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'", connection))
            {
                target = (string)(await now.ExecuteScalarAsync())!;
            }

            await Task.Delay(200);
            await ExecuteAsync(connection, $"INSERT INTO bench_pitr VALUES ({run}, 'after')");
        }

        var seconds = await TimedRestoreAsync(install, cluster, phases, "--to-time", target);
        var status = (await install.DescribeAsync(cluster)).Status!;
        var timelineAfter = status.Instances.Single(i => i.Role == "leader").Timeline;
        await using (var connection = SuperuserConnection(install, cluster, port))
        {
            await connection.OpenAsync();
            await using var rows = new NpgsqlCommand("SELECT coalesce(string_agg(run || ':' || side, ',' ORDER BY run, side), '') FROM bench_pitr", connection);
            var found = (string)(await rows.ExecuteScalarAsync())!;
            var expected = string.Join(',', Enumerable.Range(0, run + 1).Select(r => $"{r}:before"));
            if (found != expected)
            {
                throw new InvalidOperationException($"restore to {target} (run {run + 1}) left rows [{found}], expected [{expected}]: the restore did not stop at the target");
            }
        }

        if (timelineAfter is null || timelineAfter <= timelineBefore)
        {
            throw new InvalidOperationException($"restore to {target} (run {run + 1}): the leader is on timeline {timelineAfter}, it was on {timelineBefore} before");
        }

        Console.Error.WriteLine($"  restore to {target}: timeline {timelineBefore} → {timelineAfter}, {phases[^1]}, {status.Instances.Count(i => i.State == "streaming")} replicas streaming, rows as expected");
        return seconds;
    }

    /// <summary>
    /// Untimed, before every timed run on either side: the page cache's dirty pages (the last
    /// run's 300 MiB of restored or deleted files) are written out first, so that writeback
    /// does not land in the next run. Without it the bare `pgbackrest restore` alone took
    /// 3.7–5.4 s in back-to-back runs by hand.
    /// </summary>
    private static async Task SettleDiskAsync()
    {
        await Shell.RunAsync("sync", []);
        await Task.Delay(500);
    }

    /// <summary>
    /// How long the newest `pgbackrest backup` or `pgbackrest restore` of a cluster took, as its
    /// own log says ("backup command end: completed successfully (N ms)"): the copy, which the
    /// "besides the copy" figures take out of each run's wall time. The newest such line of any
    /// member's log; every member's configuration writes its logs under its own directory.
    /// </summary>
    private static double? PgBackRestSeconds(string members, string command) =>
        Directory.EnumerateFiles(members, $"db-{command}.log", SearchOption.AllDirectories)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .Select(log => File.ReadLines(log).LastOrDefault(l => l.Contains($"{command} command end: completed successfully (", StringComparison.Ordinal)))
            .OfType<string>()
            .Select(line => double.Parse(line[(line.LastIndexOf('(') + 1)..line.LastIndexOf("ms)", StringComparison.Ordinal)], CultureInfo.InvariantCulture) / 1000)
            .Cast<double?>()
            .FirstOrDefault();

    /// <summary>`tusk restore CLUSTER TARGET --yes --wait` timed, with its phases read from `status.restore` afterwards.</summary>
    private static async Task<double> TimedRestoreAsync(TuskInstall install, string cluster, List<Phases> phases, params string[] target)
    {
        await SettleDiskAsync();
        var from = DateTimeOffset.UtcNow;
        var seconds = await Measure.SecondsAsync(() => install.TuskAsync(["restore", cluster, .. target, "--yes", "--wait", "--timeout", "600s"]));
        var restore = (await install.DescribeAsync(cluster)).Status!.Restore;
        if (restore is not { Phase: "Succeeded", CompletedAt: { } completedAt })
        {
            throw new InvalidOperationException($"tusk restore {cluster} returned, but status.restore is {restore}");
        }

        var members = Path.Combine(install.ClusterPath(cluster), "members");
        phases.Add(new Phases((restore.StartedAt - from).TotalSeconds, (completedAt - restore.StartedAt).TotalSeconds, seconds - (completedAt - from).TotalSeconds, PgBackRestSeconds(members, "restore")));

        // The agent deletes the data it set aside in the background once the cluster is Ready;
        // untimed, but waited for, so the disk is quiet again for whatever is measured next.
        for (var waited = Stopwatch.StartNew(); Directory.EnumerateDirectories(members, "data.before-restore-*", SearchOption.AllDirectories).Any(); await Task.Delay(50))
        {
            if (waited.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new InvalidOperationException($"the data set aside by the restore of {cluster} was still there two minutes after it succeeded");
            }
        }

        return seconds;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static NpgsqlConnection SuperuserConnection(TuskInstall install, string cluster, int port) => new(new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = port,
        Username = "postgres",
        Password = File.ReadAllText(Path.Combine(install.ClusterPath(cluster), "secrets", "superuser")),
        Database = "postgres",
        SslMode = SslMode.VerifyCA,
        RootCertificate = Path.Combine(install.Home, "ca", "ca.crt"),
        Pooling = false,
        Timeout = 10,
        CommandTimeout = 30,
    }.ConnectionString);

    /// <summary>libpq's variables for pgbench as the superuser, TLS verified against Tusk's CA; the password never in arguments.</summary>
    private static Dictionary<string, string> PgEnvironment(TuskInstall install, string cluster) => new()
    {
        ["PGUSER"] = "postgres",
        ["PGPASSWORD"] = File.ReadAllText(Path.Combine(install.ClusterPath(cluster), "secrets", "superuser")),
        ["PGSSLMODE"] = "verify-ca",
        ["PGSSLROOTCERT"] = Path.Combine(install.Home, "ca", "ca.crt"),
    };

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
