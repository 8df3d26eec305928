using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Tusk.Api;
using Tusk.Kubernetes.Builders;
using Tusk.Kubernetes.Client;
using Tusk.Kubernetes.Controller;
using Tusk.Planning;

namespace Tusk.Bench;

/// <summary>
/// Issue 3's scale figures for the Kubernetes operator, against a real etcd + kube-apiserver
/// started here for each run (<see cref="KubeApiServer"/>) and `tusk operator run` as its own
/// process (<see cref="OperatorProcess"/>):
/// 1. N PostgresClusters created at once: time until every one has all the objects the builders
///    make for its spec and a status (seen through watches, <see cref="ObjectTracker"/>);
/// 2. the operator's CPU time in that window; 3. its peak RSS over the run;
/// 4. reconcile latency of a spec change (instance replicas 2 → 3), one cluster at a time: from
///    the apply of the PostgresCluster until its StatefulSet shows the new replicas; p50 and p99.
/// Baselines in the same run, what the API server alone costs: the bench itself creating the same
/// clusters and applying the same objects and status directly (another namespace the operator
/// does not watch, as many clusters at once as the creates), and applying the StatefulSet change
/// directly until the watch shows it.
/// </summary>
public static class KubeBenchmark
{
    private const string Image = "registry.example/tusk/postgres:15";
    private const int Parallel = 16;
    private const int SettleSeconds = 15;

    public static async Task<int> RunAsync(string tusk, int runs, int clusters, int changes, string? write)
    {
        if (!File.Exists(tusk))
        {
            Console.Error.WriteLine($"error: {tusk} does not exist; build it with `dotnet publish src/Tusk.Cli -c Release -o artifacts/tusk`");
            return 2;
        }

        var results = new List<KubeRunResult>();
        for (var run = 0; run < runs; run++)
        {
            Console.Error.WriteLine($"== kube run {run + 1}/{runs}: {clusters} clusters, {changes} spec changes");
            results.Add(await RunOnceAsync(tusk, clusters, changes));
            var r = results[^1];
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  all ready {r.AllObjects:0.00} s (direct {r.Direct:0.00} s); operator CPU {r.OperatorCpu:0.00} s (apiserver+etcd {r.ServerCpu:0.00} s); peak RSS {r.PeakRss:0.0} MiB (idle {r.IdleRss:0.0}); change p50 {r.ChangeP50:0.000} p99 {r.ChangeP99:0.000} s (direct p50 {r.DirectP50:0.000} p99 {r.DirectP99:0.000}); {r.Reconciles} reconciles"));
        }

        Sample S(string name, Func<KubeRunResult, double> value) => new(name, [.. results.Select(value)]);
        var objects = results[0].ObjectsPerCluster;
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores (shared with other work) against etcd + kube-apiserver 1.20.2 on 127.0.0.1, a fresh pair per run, no kubelet (clusters stay Creating, so the operator also rechecks each one every {ClusterReconciler.NotReadyRecheck.TotalSeconds:0} s); median (min, max, n).");
        report.AppendLine(CultureInfo.InvariantCulture, $"Each cluster: 1 instance set of 2 replicas and 1 user, so {objects.Count} objects ({string.Join(", ", objects.GroupBy(o => o).Select(g => $"{g.Count()} {g.Key}"))}) and a status; {Parallel} creates at once.");
        report.AppendLine();
        report.AppendLine("| figure | target | Tusk | baseline (same run) |");
        report.AppendLine("|---|---|---|---|");
        report.AppendLine(CultureInfo.InvariantCulture, $"| {clusters} PostgresClusters created at once → every one has its {objects.Count} objects and a status | ≤ 30 s | {S("all", r => r.AllObjects).Format("s")} | the bench creating the same {clusters} clusters, applying the same {clusters * objects.Count} objects and a status itself ({Parallel} clusters at once): {S("direct", r => r.Direct).Format("s")} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| operator CPU time (user + system) in that window | — | {S("cpu", r => r.OperatorCpu).Format("s")} | kube-apiserver + etcd in the same window: {S("server cpu", r => r.ServerCpu).Format("s")} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| operator peak RSS (VmHWM) over the whole run ({clusters} clusters, {changes} changes) | ≤ 150 MiB | {S("rss", r => r.PeakRss).Format("MiB", "0.0")} | the operator idle after start, no clusters (VmRSS): {S("idle", r => r.IdleRss).Format("MiB", "0.0")} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| reconcile latency after a spec change (replicas 2 → 3, {changes} clusters one at a time, {SettleSeconds} s after creation): p50 | — | {S("p50", r => r.ChangeP50).Format("s", "0.000")} | applying the StatefulSet change directly until the watch shows it, p50: {S("direct p50", r => r.DirectP50).Format("s", "0.000")} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| the same, p99 | ≤ 1 s | {S("p99", r => r.ChangeP99).Format("s", "0.000")} | direct, p99: {S("direct p99", r => r.DirectP99).Format("s", "0.000")} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| reconciles the operator ran in the whole run (from /metrics) | — | {S("reconciles", r => r.Reconciles).Format("cycles", "0")} | — |");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Reproduce: `dotnet publish src/Tusk.Cli -c Release -o artifacts/tusk && dotnet run -c Release --project bench/Tusk.Bench -- --only kube --runs {runs} --clusters {clusters} --changes {changes} --write docs/benchmarks.md` (needs scripts/kube-apiserver.sh's binary).");
        Console.WriteLine(report);
        if (write is not null)
        {
            await ReportFile.WriteAsync(write, "bench-kube", report.ToString());
        }

        return 0;
    }

    private static async Task<KubeRunResult> RunOnceAsync(string tusk, int clusters, int changes)
    {
        await using var server = await KubeApiServer.StartAsync();
        var admin = server.Admin;
        await InstallCrdAsync(admin);
        const string watched = "bench-operator", direct = "bench-direct";
        foreach (var ns in new[] { watched, direct })
        {
            await admin.CreateAsync(ApiResource.Namespace, null, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } });
        }

        using var material = KubeBenchMaterial.Create();
        var names = Enumerable.Range(0, clusters).Select(i => string.Create(CultureInfo.InvariantCulture, $"c{i:000}")).ToList();
        var resources = Build(Resource(direct, names[0], 2), "00000000-0000-0000-0000-000000000000", material).Select(ApiResource.Of).ToList();

        // Baseline first, in a namespace the operator does not watch (it is not running yet).
        Console.Error.WriteLine("  baseline: the same clusters, objects and status applied directly");
        await using var directTracker = await ObjectTracker.StartAsync(admin, direct, [ApiResource.StatefulSet]);
        var statefulSets = new ConcurrentDictionary<string, JsonObject>(StringComparer.Ordinal);
        var directSeconds = await Measure.SecondsAsync(() => System.Threading.Tasks.Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = Parallel }, async (name, cancel) =>
        {
            var created = await admin.ApplyAsync(ApiResource.PostgresCluster, direct, Resource(direct, name, 2), force: true, cancel);
            foreach (var obj in Build(Resource(direct, name, 2), Uid(created), material))
            {
                await admin.ApplyAsync(ApiResource.Of(obj), direct, obj, force: true, cancel);
                if (obj["kind"]!.GetValue<string>() == "StatefulSet")
                {
                    statefulSets[name] = obj;
                }
            }

            await admin.ApplyStatusAsync(ApiResource.PostgresCluster, direct, new JsonObject
            {
                ["apiVersion"] = ApiVersions.Tusk,
                ["kind"] = ApiVersions.Kind,
                ["metadata"] = new JsonObject { ["name"] = name },
                ["status"] = new JsonObject { ["phase"] = "Creating", ["observedGeneration"] = 1, ["lastOutcome"] = "applied by the benchmark" },
            }, cancel);
        }));
        var directLatencies = new List<double>();
        foreach (var name in names.Take(changes))
        {
            var sts = (JsonObject)statefulSets[name].DeepClone();
            sts["spec"]!["replicas"] = 3;
            var start = directTracker.Now;
            await admin.ApplyAsync(ApiResource.StatefulSet, direct, sts, force: true);
            directLatencies.Add(await directTracker.ReplicasSeenAsync(sts["metadata"]!["name"]!.GetValue<string>(), 3).WaitAsync(TimeSpan.FromSeconds(60)) - start);
        }

        Console.Error.WriteLine("  operator: start, create the clusters, wait for every object and status");
        var dir = Directory.CreateTempSubdirectory("tusk-bench-operator-").FullName;
        try
        {
            await using var tracker = await ObjectTracker.StartAsync(admin, watched, [ApiResource.PostgresCluster, .. resources]);
            await using var op = OperatorProcess.Start(tusk, server, watched, dir, new Dictionary<string, string> { ["RELATED_IMAGE_POSTGRES_15"] = Image });
            await op.WaitReadyAsync(TimeSpan.FromSeconds(60));
            await Task.Delay(TimeSpan.FromSeconds(2));
            var idleRss = op.RssMiB;

            var expected = new ConcurrentDictionary<string, List<string>>(StringComparer.Ordinal);
            var serverPids = server.Pids.ToList();
            double ServerCpu() => serverPids.Sum(OperatorProcess.CpuSecondsOf);
            var (cpu0, serverCpu0, t0) = (op.CpuSeconds, ServerCpu(), tracker.Now);
            await System.Threading.Tasks.Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = Parallel }, async (name, cancel) =>
            {
                var created = await admin.ApplyAsync(ApiResource.PostgresCluster, watched, Resource(watched, name, 2), force: true, cancel);
                expected[name] = [.. Build(Resource(watched, name, 2), Uid(created), material).Select(o => ObjectTracker.Key(ApiResource.Of(o), o["metadata"]!["name"]!.GetValue<string>()))];
            });

            double? done = null;
            while (done is null)
            {
                var complete = names.Select(n => Completed(tracker, n, expected[n])).ToList();
                if (complete.All(c => c is not null))
                {
                    done = complete.Max()!.Value - t0;
                }
                else if (tracker.Now - t0 > 300)
                {
                    throw new TimeoutException($"after 300 s, {complete.Count(c => c is not null)} of {clusters} clusters have all their objects and a status; operator log in {dir}");
                }
                else
                {
                    await Task.Delay(50);
                }
            }

            var (cpu1, serverCpu1) = (op.CpuSeconds, ServerCpu());
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  every cluster complete after {done:0.00} s; settling {SettleSeconds} s, then {changes} spec changes one at a time"));
            await Task.Delay(TimeSpan.FromSeconds(SettleSeconds));

            var latencies = new List<double>();
            foreach (var name in names.Take(changes))
            {
                var resource = Resource(watched, name, 3);
                var sts = StatefulSetName(expected[name]);
                var start = tracker.Now;
                await admin.ApplyAsync(ApiResource.PostgresCluster, watched, resource, force: true);
                latencies.Add(await tracker.ReplicasSeenAsync(sts, 3).WaitAsync(TimeSpan.FromSeconds(60)) - start);
                if (latencies.Count % 10 == 0)
                {
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {latencies.Count} changes, last {latencies[^1]:0.000} s"));
                }
            }

            var metrics = await op.MetricsAsync();
            var reconciles = metrics.Split('\n').Where(l => l.StartsWith("tusk_reconcile_total{", StringComparison.Ordinal)).Sum(l => double.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture));
            var objects = Build(Resource(watched, names[0], 2), "00000000-0000-0000-0000-000000000000", material).Select(o => o["kind"]!.GetValue<string>()).ToList();
            return new KubeRunResult(done.Value, directSeconds, cpu1 - cpu0, serverCpu1 - serverCpu0, op.PeakRssMiB, idleRss,
                Percentile(latencies, 50), Percentile(latencies, 99), Percentile(directLatencies, 50), Percentile(directLatencies, 99), reconciles, objects);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>When the cluster had every expected object and a status; null while it has not.</summary>
    private static double? Completed(ObjectTracker tracker, string name, List<string> keys)
    {
        if (!tracker.StatusSeen.TryGetValue(name, out var last))
        {
            return null;
        }

        foreach (var key in keys)
        {
            if (!tracker.FirstSeen.TryGetValue(key, out var seen))
            {
                return null;
            }

            last = Math.Max(last, seen);
        }

        return last;
    }

    private static string StatefulSetName(List<string> keys) => keys.Single(k => k.StartsWith("statefulsets/", StringComparison.Ordinal))["statefulsets/".Length..];

    /// <summary>Nearest-rank percentile.</summary>
    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Max(0, (int)Math.Ceiling(p / 100 * sorted.Count) - 1)];
    }

    private static string Uid(JsonObject created) => created["metadata"]!["uid"]!.GetValue<string>();

    private static JsonObject Resource(string ns, string name, int replicas) => JsonNode.Parse($$$"""
        {"apiVersion": "tusk.dev/v1", "kind": "PostgresCluster", "metadata": {"name": "{{{name}}}", "namespace": "{{{ns}}}"},
         "spec": {"postgresVersion": 15, "instances": [{"name": "instance1", "replicas": {{{replicas}}}}],
                  "users": [{"name": "app", "databases": ["app"]}]}}
        """)!.AsObject();

    /// <summary>The objects the operator's builders make for this resource (Kubernetes 1.20 serves policy/v1beta1 only).</summary>
    private static IReadOnlyList<JsonObject> Build(JsonObject resource, string uid, KubeBenchMaterial material)
    {
        var ns = resource["metadata"]!["namespace"]!.GetValue<string>();
        var name = resource["metadata"]!["name"]!.GetValue<string>();
        var manifest = (JsonObject)resource.DeepClone();
        manifest["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns };
        var checkedCluster = ClusterManifest.Check(manifest.ToJsonString(), $"{ns}/{name}", localRuntime: false)[0];
        if (!checkedCluster.IsValid)
        {
            throw new InvalidOperationException(string.Join("; ", checkedCluster.Errors));
        }

        var plan = ClusterPlanner.Plan(checkedCluster.Cluster);
        return ClusterObjectsBuilder.Build(new BuildRequest(checkedCluster.Cluster, plan, uid, Image, "policy/v1beta1",
            plan.Users.ToDictionary(u => u.Name, _ => material.Password), material.Passwords, material.Certificates));
    }

    private static async Task InstallCrdAsync(KubeClient client)
    {
        var stream = new YamlDotNet.RepresentationModel.YamlStream();
        using (var reader = new StreamReader(Path.GetFullPath("deploy/crd/postgresclusters.tusk.dev.yaml")))
        {
            stream.Load(reader);
        }

        var crd = (JsonObject)YamlJson.ToJson(stream.Documents[0].RootNode)!;
        await client.ApplyAsync(ApiResource.CustomResourceDefinition, null, crd, force: true);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var current = await client.GetAsync(ApiResource.CustomResourceDefinition, null, crd["metadata"]!["name"]!.GetValue<string>());
            if ((current?["status"]?["conditions"]?.AsArray() ?? []).Any(c => c!["type"]!.GetValue<string>() == "Established" && c["status"]!.GetValue<string>() == "True"))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the CRD did not become Established within 30 s");
            }

            await Task.Delay(100);
        }
    }
}
