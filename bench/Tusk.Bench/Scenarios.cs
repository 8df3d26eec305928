using System.Diagnostics;
using System.Globalization;

namespace Tusk.Bench;

/// <summary>The figures, each measured against its baseline in the same run.</summary>
public sealed class Scenarios(string tusk, int runs)
{
    public async Task<Sample> ApplyUntilReadyAsync(TuskInstall install, int replicas)
    {
        return await Measure.RepeatAsync($"tusk apply → ready, {replicas} instance(s)", runs, async run =>
        {
            var name = $"apply{replicas}x{run}";
            var seconds = await Measure.SecondsAsync(() => install.ApplyAsync(name, TuskInstall.FreePortPair(), replicas));
            await install.TuskAsync("delete", "cluster", name, "--yes", "--purge");
            return seconds;
        });
    }

    /// <summary>kill -9 of the leader's Patroni and postmaster until a write through the primary endpoint succeeds.</summary>
    public async Task<Sample> FailoverAsync(TuskInstall install, string cluster, int port, bool agentRunning)
    {
        var label = agentRunning ? "failover with the agent (leader key released)" : "failover, Patroni alone (agent stopped)";
        return await Measure.RepeatAsync(label, runs, async _ =>
        {
            await WaitReadyAsync(install, cluster);
            var leader = (await install.DescribeAsync(cluster)).Status!.Instances.Single(i => i.Role == "leader");
            var postmaster = install.PostmasterPid(cluster, leader.Name);
            if (!agentRunning)
            {
                await install.TuskAsync("agent", "stop");
            }

            await using var writer = new Writer(() => install.Connection(cluster, port));
            writer.Start();
            await writer.FirstCommitAfterAsync(writer.Now, TimeSpan.FromSeconds(30));
            var killedAt = writer.Now;
            Kill(leader.Pid!.Value);
            Kill(postmaster);
            var seconds = await writer.FirstCommitAfterAsync(killedAt, TimeSpan.FromSeconds(120), notOnPort: leader.Port);
            if (!agentRunning)
            {
                await install.TuskAsync("agent", "start");
            }

            return seconds;
        });
    }

    /// <summary>
    /// The longest pause between acknowledged writes during `tusk switchover`, through Tusk's
    /// endpoint and, at the same moment, through an HAProxy configured as Patroni's documentation
    /// shows (inter 3s fall 3 rise 2) — the baseline.
    /// </summary>
    public async Task<(Sample Tusk, Sample Baseline)> SwitchoverAsync(TuskInstall install, string cluster, int port)
    {
        var status = await install.DescribeAsync(cluster);
        var members = Directory.GetDirectories(Path.Combine(install.ClusterPath(cluster), "members")).Order().ToList();
        var baselinePort = TuskInstall.FreePortPair();
        var config = Path.Combine(install.Home, "baseline-haproxy.cfg");
        var servers = string.Join('\n', status.Status!.Instances.Select(i =>
            $"    server {i.Name} 127.0.0.1:{i.Port} maxconn 100 check port {RestPort(members.Single(m => m.EndsWith(i.Name, StringComparison.Ordinal)))}"));
        await File.WriteAllTextAsync(config, $"""
            global
                maxconn 100
            defaults
                mode tcp
                timeout connect 4s
                timeout client 30m
                timeout server 30m
                timeout check 5s
            listen primary
                bind 127.0.0.1:{baselinePort}
                option httpchk OPTIONS /primary
                http-check expect status 200
                default-server inter 3s fall 3 rise 2 on-marked-down shutdown-sessions
            {servers}

            """);
        using var haproxy = Process.Start(new ProcessStartInfo("/usr/sbin/haproxy", ["-db", "-f", config]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var baselineGaps = new List<double>();
        var tusk = await Measure.RepeatAsync("switchover write gap, Tusk endpoint", runs, async _ =>
        {
            await WaitReadyAsync(install, cluster);
            await using var viaTusk = new Writer(() => install.Connection(cluster, port));
            await using var viaBaseline = new Writer(() => install.Connection(cluster, baselinePort));
            viaTusk.Start();
            viaBaseline.Start();
            await viaTusk.FirstCommitAfterAsync(viaTusk.Now, TimeSpan.FromSeconds(30));
            await viaBaseline.FirstCommitAfterAsync(viaBaseline.Now, TimeSpan.FromSeconds(30));
            await Task.Delay(500);
            var (start, startBaseline) = (viaTusk.Now, viaBaseline.Now);
            await install.TuskAsync("switchover", cluster);
            await viaTusk.FirstCommitAfterAsync(viaTusk.Now, TimeSpan.FromSeconds(60));
            await viaBaseline.FirstCommitAfterAsync(viaBaseline.Now, TimeSpan.FromSeconds(60));
            await Task.Delay(500);
            baselineGaps.Add(viaBaseline.LongestGap(startBaseline, viaBaseline.Now));
            return viaTusk.LongestGap(start, viaTusk.Now);
        });
        haproxy.Kill();
        return (tusk, new Sample("switchover write gap, HAProxy as in Patroni's docs", baselineGaps));
    }

    public async Task<(Sample Tusk, Sample Baseline)> GetClustersAsync(TuskInstall install, string cluster)
    {
        var member = Directory.GetDirectories(Path.Combine(install.ClusterPath(cluster), "members")).Order().First();
        var tuskTimes = await Measure.RepeatAsync("tusk get clusters", runs * 2, _ => Measure.SecondsAsync(() => install.TuskAsync("get", "clusters")));
        var patronictl = await Measure.RepeatAsync("patronictl list", runs * 2, _ => Measure.SecondsAsync(() => Shell.RunAsync("patronictl", ["-c", Path.Combine(member, "patroni.yml"), "list"])));
        return (tuskTimes, patronictl);
    }

    /// <summary>Proportional set size of the agent and, for scale, of the cluster's own processes (with the postmasters' children).</summary>
    public static (double AgentMiB, double ClusterMiB) Memory(TuskInstall install)
    {
        var agent = install.AgentPid;
        var cluster = AllPids().Where(p => p != agent && Mentions(p, install.Home)).ToHashSet();
        foreach (var pid in AllPids())
        {
            if (cluster.Contains(ParentOf(pid)))
            {
                cluster.Add(pid);
            }
        }

        return (Pss(agent), cluster.Sum(Pss));
    }

    private static async Task WaitReadyAsync(TuskInstall install, string cluster)
    {
        var clock = Stopwatch.StartNew();
        while ((await install.DescribeAsync(cluster)).Status?.Phase != "Ready")
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(6))
            {
                throw new TimeoutException($"{cluster} did not become ready again");
            }

            await Task.Delay(200);
        }
    }

    private static int RestPort(string memberDirectory)
    {
        var listen = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(memberDirectory, "patroni.yml")))!["restapi"]!["listen"]!.GetValue<string>();
        return int.Parse(listen.Split(':')[1], CultureInfo.InvariantCulture);
    }

    private static IEnumerable<int> AllPids() =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(n => int.TryParse(n, out _)).Select(n => int.Parse(n!, CultureInfo.InvariantCulture));

    private static bool Mentions(int pid, string text)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Contains(text, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static double Pss(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/smaps_rollup").First(l => l.StartsWith("Pss:", StringComparison.Ordinal));
            return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static void Kill(int pid) => Process.GetProcessById(pid).Kill();

    public string Tusk => tusk;
}
