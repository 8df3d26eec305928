using System.Globalization;
using System.Text;
using Tusk.Bench;

// Usage: dotnet run -c Release --project bench/Tusk.Bench -- [--tusk PATH] [--runs N] [--write docs/benchmarks.md]
// Runs as root (baselines start PostgreSQL as the postgres account). Takes about ten minutes.
// `-- --only env [--write docs/benchmarks.md]`: only issue 7's inventory figures (about a minute).
// `-- --only pgbouncer [--tusk PATH] [--runs 3] [--seconds 30] [--write docs/benchmarks.md]`: issue 6's pooler figures (about ten minutes).
// `-- --only backup [--tusk PATH] [--runs 3] [--scale 20] [--write docs/benchmarks.md]`: issue 4's backup and restore figures (about five minutes at scale 20).
// `-- --only switchover [--tusk PATH] [--runs N]`: only the switchover write gap of the local runtime (a minute or two).
// `-- --only images [--tusk PATH] [--runs N] [--write docs/benchmarks.md]`: only issue 5's image figures (about a minute).
// `-- --only kube-node [--tusk PATH] [--runs 3] [--write docs/benchmarks.md]`: issue 8's figures on a real single-node Kubernetes (about fifteen minutes).
// `-- --only kube [--tusk PATH] [--runs 3] [--clusters 200] [--changes 50] [--write docs/benchmarks.md]`: issue 3's operator scale figures against a real kube-apiserver (about two minutes a run).
if (Arg("--only") == "env")
{
    return await EnvBenchmark.RunAsync(Arg("--write"));
}

if (Arg("--only") == "pgbouncer")
{
    return await PgBouncerBenchmark.RunAsync(Arg("--tusk") ?? Path.GetFullPath("artifacts/tusk/tusk"), int.Parse(Arg("--runs") ?? "3", CultureInfo.InvariantCulture), int.Parse(Arg("--seconds") ?? "30", CultureInfo.InvariantCulture), Arg("--write"));
}

if (Arg("--only") == "backup")
{
    return await BackupBenchmark.RunAsync(Arg("--tusk") ?? Path.GetFullPath("artifacts/tusk/tusk"), int.Parse(Arg("--runs") ?? "3", CultureInfo.InvariantCulture), Arg("--write"), int.Parse(Arg("--scale") ?? "20", CultureInfo.InvariantCulture));
}

if (Arg("--only") == "images")
{
    return await ImagesBenchmark.RunAsync(Arg("--tusk") ?? Path.GetFullPath("artifacts/tusk/tusk"), int.Parse(Arg("--runs") ?? "5", CultureInfo.InvariantCulture), Arg("--write"));
}

if (Arg("--only") == "kube-node")
{
    return await KubeNodeBenchmark.RunAsync(Arg("--tusk") ?? Path.GetFullPath("artifacts/tusk/tusk"), int.Parse(Arg("--runs") ?? "3", CultureInfo.InvariantCulture), Arg("--write"));
}

if (Arg("--only") == "kube")
{
    return await KubeBenchmark.RunAsync(Arg("--tusk") ?? Path.GetFullPath("artifacts/tusk/tusk"), int.Parse(Arg("--runs") ?? "3", CultureInfo.InvariantCulture), int.Parse(Arg("--clusters") ?? "200", CultureInfo.InvariantCulture), int.Parse(Arg("--changes") ?? "50", CultureInfo.InvariantCulture), Arg("--write"));
}

var tuskPath = Arg("--tusk") ?? Path.GetFullPath("artifacts/tusk/tusk");
var runs = int.Parse(Arg("--runs") ?? "5", CultureInfo.InvariantCulture);
var output = Arg("--write");
if (!File.Exists(tuskPath))
{
    Console.Error.WriteLine($"error: {tuskPath} does not exist; build it with `dotnet publish src/Tusk.Cli -c Release -o artifacts/tusk`");
    return 2;
}

var scenarios = new Scenarios(tuskPath, runs);
if (Arg("--only") == "switchover")
{
    // Only the switchover write gap (a minute or two), for work on switchovers.
    await using var install = new TuskInstall(tuskPath);
    await install.TuskAsync("agent", "start");
    var port = TuskInstall.FreePortPair();
    await install.ApplyAsync("bench", port, 3);
    var (gap, baselineGap) = await scenarios.SwitchoverAsync(install, "bench", port);
    Console.WriteLine($"switchover write gap: Tusk {gap.Format("s")}; HAProxy as in Patroni's docs {baselineGap.Format("s")}");
    return 0;
}

var rows = new List<(string Figure, string Target, string Tusk, string Baseline)>();
string S(Sample s) => s.Format("s");

Console.Error.WriteLine("== baselines: initdb + pg_ctl start, pg_createcluster, hand-configured Patroni");
var initdb = await Measure.RepeatAsync("initdb + pg_ctl start", runs, _ => Baselines.InitdbAndStartAsync());
var createCluster = await Measure.RepeatAsync("pg_createcluster --start", runs, Baselines.PgCreateClusterAsync);
var handPatroni = await Measure.RepeatAsync("hand-configured Patroni + etcd, 3 members streaming", runs, _ => Baselines.HandConfiguredPatroniAsync());

await using (var install = new TuskInstall(tuskPath))
{
    Console.Error.WriteLine("== apply → ready (agent already running)");
    await install.TuskAsync("agent", "start");
    var one = await scenarios.ApplyUntilReadyAsync(install, 1);
    var three = await scenarios.ApplyUntilReadyAsync(install, 3);
    rows.Add(("`tusk apply` → ready, 1 instance", "≤ 1.5 s", S(one), $"initdb + pg_ctl start {S(initdb)}; pg_createcluster {S(createCluster)}"));
    rows.Add(("`tusk apply` → ready, 3 instances (all replicas streaming, endpoint writable)", "≤ 4 s", S(three), $"hand-configured Patroni + etcd {S(handPatroni)}"));

    Console.Error.WriteLine("== one 3-instance cluster for failover, switchover, memory and get");
    var port = TuskInstall.FreePortPair();
    await install.ApplyAsync("bench", port, 3);
    await Task.Delay(TimeSpan.FromSeconds(20));
    var (agentMiB, clusterMiB) = Scenarios.Memory(install);
    rows.Add(("agent idle memory (PSS) with one 3-instance cluster", "≤ 60 MiB", $"{agentMiB:0.0} MiB", $"the cluster's own processes: {clusterMiB:0.0} MiB"));

    var (get, patronictl) = await scenarios.GetClustersAsync(install, "bench");
    rows.Add(("`tusk get clusters` wall time", "≤ 150 ms", get.Format("s", "0.000"), $"`patronictl list` {patronictl.Format("s", "0.000")}"));

    var (gap, baselineGap) = await scenarios.SwitchoverAsync(install, "bench", port);
    rows.Add(("switchover write gap", "≤ 1 s", S(gap), $"same switchover through HAProxy as Patroni's docs configure it: {S(baselineGap)}"));

    var fast = await scenarios.FailoverAsync(install, "bench", port, agentRunning: true);
    var slow = await scenarios.FailoverAsync(install, "bench", port, agentRunning: false);
    rows.Add(("unplanned failover (kill -9 leader's Patroni + postmaster) until a write through the endpoint succeeds, ttl 30 / loop_wait 10", "≤ 2 s", S(fast), $"same cluster with the agent stopped (Patroni waits for the lease): {S(slow)}"));
}

var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores, {runs} runs each (get: {runs * 2}); median (min, max, n).");
report.AppendLine();
report.AppendLine("| figure | target | Tusk | baseline (same run) |");
report.AppendLine("|---|---|---|---|");
foreach (var (figure, target, tusk, baseline) in rows)
{
    report.AppendLine(CultureInfo.InvariantCulture, $"| {figure} | {target} | {tusk} | {baseline} |");
}

Console.WriteLine(report);
if (output is not null)
{
    await ReportFile.WriteAsync(output, "bench", report.ToString());
}

return 0;

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
