using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Npgsql;
using Tusk.Kubernetes.Builders;
using Tusk.Kubernetes.Client;
using Tusk.Runtime.Local;

namespace Tusk.Bench;

/// <summary>
/// Issue 8's figures on a real single-node Kubernetes (scripts/kube-node.sh, in its own network
/// namespace), with the images built from this repository imported and the operator installed
/// from deploy/ as a user installs it:
/// 1. `tusk apply --kubeconfig` → status Ready, 1 and 3 instances (images already present);
/// 2. deleting the leader's pod under a writer through &lt;c&gt;-primary → the first commit on
///    another pod.
/// Baselines in the same run: the local runtime's apply → ready and its failover (kill -9 of the
/// leader's Patroni and postmaster) on the same machine (<see cref="Scenarios"/>).
/// </summary>
public static partial class KubeNodeBenchmark
{
    private const string Namespace = "bench";

    public static async Task<int> RunAsync(string tusk, int runs, string? write)
    {
        if (!File.Exists(tusk))
        {
            Console.Error.WriteLine($"error: {tusk} does not exist; build it with `dotnet publish src/Tusk.Cli -c Release -o artifacts/tusk`");
            return 2;
        }

        var root = Directory.CreateTempSubdirectory("tusk-bench-node-").FullName;
        var script = Path.GetFullPath("scripts/kube-node.sh");
        var rows = new List<(string Figure, string Target, string Tusk, string Baseline)>();
        string S(Sample s) => s.Format("s");
        try
        {
            Console.Error.WriteLine("== node up, images, operator");
            var up = await Measure.SecondsAsync(() => Shell.RunAsync(script, ["up", root]));
            var built = (await Shell.RunAsync(Path.GetFullPath("scripts/kube-images.sh"), ["build", Path.Combine(root, "images")])).Out;
            await Shell.RunAsync(script, ["import", root, .. Archive().Matches(built).Select(m => m.Value).Distinct()]);
            await Shell.RunAsync(script, ["kubectl", root, "apply", "-k", Path.GetFullPath("deploy")]);
            await Shell.RunAsync(script, ["kubectl", root, "-n", "tusk-system", "rollout", "status", "deployment/tusk-operator", "--timeout=180s"]);
            await Shell.RunAsync(script, ["kubectl", root, "create", "namespace", Namespace]);
            var kubeconfig = Path.Combine(root, "kubeconfig");
            using var client = new KubeClient(KubeConfig.FromKubeconfig(kubeconfig));
            Console.Error.WriteLine($"  node up in {up:0.0} s");

            Console.Error.WriteLine("== apply → Ready on the node");
            var one = await Measure.RepeatAsync("node: apply → Ready, 1 instance", runs, run => ApplyUntilReadyAsync(client, tusk, kubeconfig, root, $"one{run}", 1, delete: true));
            var three = await Measure.RepeatAsync("node: apply → Ready, 3 instances", runs, run => ApplyUntilReadyAsync(client, tusk, kubeconfig, root, $"three{run}", 3, delete: true));

            Console.Error.WriteLine("== pod-deletion failover on the node");
            await ApplyUntilReadyAsync(client, tusk, kubeconfig, root, "failover", 3, delete: false);
            var failover = await Measure.RepeatAsync("node: leader pod deleted → first commit on another pod", runs, _ => FailoverAsync(client, "failover"));

            Console.Error.WriteLine("== the local runtime, same machine");
            Sample localOne, localThree, localFailover;
            await using (var install = new TuskInstall(tusk))
            {
                var scenarios = new Scenarios(tusk, runs);
                await install.TuskAsync("agent", "start");
                localOne = await scenarios.ApplyUntilReadyAsync(install, 1);
                localThree = await scenarios.ApplyUntilReadyAsync(install, 3);
                var port = TuskInstall.FreePortPair();
                await install.ApplyAsync("bench", port, 3);
                localFailover = await scenarios.FailoverAsync(install, "bench", port, agentRunning: true);
            }

            rows.Add(("`tusk apply --kubeconfig` → Ready, 1 instance (images present)", "—", S(one), $"local runtime `tusk apply` → ready: {S(localOne)}"));
            rows.Add(("`tusk apply --kubeconfig` → Ready, 3 instances (images present)", "≤ 60 s", S(three), $"local runtime: {S(localThree)}"));
            rows.Add(("leader pod deleted (`kubectl delete pod`) → first commit through `<c>-primary` on another pod", "≤ 10 s (CloudNativePG's e2e bound)", S(failover), $"local runtime, kill -9 of the leader's Patroni + postmaster → first commit: {S(localFailover)}"));
            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores: a single-node Kubernetes 1.20.2 from Debian's sources in its own network namespace (node up in {up:0.0} s), the operator from deploy/ (2 replicas), images built from Debian packages and imported; {runs} runs each, median (min, max, n). Patroni's defaults: ttl 30 s, loop_wait 10 s.");
            report.AppendLine();
            report.AppendLine("| figure | target | Tusk on the node | baseline (same run) |");
            report.AppendLine("|---|---|---|---|");
            foreach (var (figure, target, value, baseline) in rows)
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"| {figure} | {target} | {value} | {baseline} |");
            }

            Console.WriteLine(report);
            if (write is not null)
            {
                await ReportFile.WriteAsync(write, "bench-kube-node", report.ToString());
            }

            return 0;
        }
        finally
        {
            if ((await Shell.RunAsync(script, ["down", root], check: false)).Exit == 0)
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    /// <summary>`tusk apply` of a cluster with one user until its status is Ready; seconds. Deletes it and its volumes afterwards when asked.</summary>
    private static async Task<double> ApplyUntilReadyAsync(KubeClient client, string tusk, string kubeconfig, string root, string name, int replicas, bool delete)
    {
        var file = Path.Combine(root, name + ".yaml");
        await File.WriteAllTextAsync(file, $$"""
            apiVersion: tusk.dev/v1
            kind: PostgresCluster
            metadata: {name: {{name}}, namespace: {{Namespace}}}
            spec:
              postgresVersion: 15
              instances: [{name: instance1, replicas: {{replicas}}}]
              users: [{name: app, databases: [app]}]
            """);
        var clock = Stopwatch.StartNew();
        await Shell.RunAsync(tusk, ["apply", "-f", file, "--kubeconfig", kubeconfig]);
        while ((await client.GetAsync(ApiResource.PostgresCluster, Namespace, name))?["status"]?["phase"]?.GetValue<string>() != "Ready")
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException($"{name} was not Ready after 5 minutes");
            }

            await Task.Delay(250);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        if (delete)
        {
            await Shell.RunAsync(tusk, ["delete", "cluster", name, "-n", Namespace, "--purge", "--yes", "--kubeconfig", kubeconfig]);
            while ((await client.ListAsync(ApiResource.Pod, Namespace, $"{Labels.Cluster}={name}")).Items.Count > 0)
            {
                await Task.Delay(500);
            }
        }

        return seconds;
    }

    /// <summary>Deletes the leader's pod under a writer through &lt;c&gt;-primary; seconds until a commit lands on another pod.</summary>
    private static async Task<double> FailoverAsync(KubeClient client, string name)
    {
        JsonObject cluster;
        while ((cluster = (await client.GetAsync(ApiResource.PostgresCluster, Namespace, name))!)["status"]?["phase"]?.GetValue<string>() != "Ready")
        {
            await Task.Delay(500);
        }

        var leader = cluster["status"]!["primary"]!.GetValue<string>();
        var leaderIp = (await client.GetAsync(ApiResource.Pod, Namespace, leader))!["status"]!["podIP"]!.GetValue<string>();
        var host = (await client.GetAsync(ApiResource.Service, Namespace, ObjectNames.Primary(name)))!["spec"]!["clusterIP"]!.GetValue<string>();
        var user = await SecretAsync(client, ObjectNames.UserSecret(name, "app"));
        var ca = (await SecretAsync(client, ObjectNames.ClusterCert(name)))["ca.crt"];
        await using (var connection = await ConnectAsync(host, user, ca))
        {
            await using var create = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS t (at timestamptz)", connection);
            await create.ExecuteNonQueryAsync();
        }

        var deletedAt = Stopwatch.StartNew();
        var delete = client.DeleteAsync(ApiResource.Pod, Namespace, leader);
        while (deletedAt.Elapsed < TimeSpan.FromMinutes(2))
        {
            try
            {
                await using var connection = await ConnectAsync(host, user, ca);
                while (true)
                {
                    await using var insert = new NpgsqlCommand("INSERT INTO t VALUES (now()) RETURNING host(inet_server_addr())", connection);
                    if ((string?)await insert.ExecuteScalarAsync() != leaderIp)
                    {
                        await delete;
                        return deletedAt.Elapsed.TotalSeconds;
                    }
                }
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"no commit on another pod within 2 minutes of deleting {leader}");
    }

    private static async Task<Dictionary<string, string>> SecretAsync(KubeClient client, string name) =>
        (await client.GetAsync(ApiResource.Secret, Namespace, name))!["data"]!.AsObject()
            .ToDictionary(e => e.Key, e => Encoding.UTF8.GetString(Convert.FromBase64String(e.Value!.GetValue<string>())));

    private static Task<NpgsqlConnection> ConnectAsync(string host, Dictionary<string, string> user, string ca) =>
        PostgresConnections.OpenVerifiedAsync(new NpgsqlConnectionStringBuilder
        {
            Host = host,
            Port = int.Parse(user["port"], CultureInfo.InvariantCulture),
            Username = user["user"],
            Password = user["password"],
            Database = user["dbname"],
            Timeout = 2,
            CommandTimeout = 5,
            Pooling = false,
        }, ca, CancellationToken.None);

    [GeneratedRegex(@"/\S+\.tar\b")]
    private static partial Regex Archive();
}
