using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Tusk.Runtime.Local;

namespace Tusk.Bench;

/// <summary>
/// Issue 6's pooler figures, on one 2-instance Tusk cluster with its PgBouncer (transaction
/// pooling, behind HAProxy's primary endpoint), in one run: pgbench -S through Tusk's PgBouncer,
/// through hand-configured PgBouncers with the same TLS and pool settings (one behind the same
/// endpoint, one pointed straight at the primary) and straight to the primary; a connection storm
/// (pgbench -C, 64 clients) through the pooler and straight; and the write gap of a switchover
/// through Tusk's PgBouncer against the primary endpoint without a pooler. Runs of the targets
/// are interleaved so that load from elsewhere hits every side alike.
/// </summary>
public static partial class PgBouncerBenchmark
{
    public static async Task<int> RunAsync(string tuskPath, int runs, int seconds, string? write)
    {
        await using var install = new TuskInstall(tuskPath);
        var port = TuskInstall.FreePortPair();
        var poolerPort = PortAllocator.FreePort(new HashSet<int> { port, port + 1 });
        Console.Error.WriteLine("== a 2-instance cluster with PgBouncer (transaction pooling)");
        await install.ApplyAsync("pool", port, 2, extraSpec: $"  proxy: {{pgBouncer: {{port: {poolerPort}, poolMode: transaction}}}}");
        var cluster = await install.DescribeAsync("pool");
        var leaderPort = cluster.Status!.Instances.Single(i => i.Role == "leader").Port;
        var env = PgEnvironment(install);
        await Shell.RunAsync("pgbench", ["-i", "-q", "-s", "10", "-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "app"], env);

        var handPort = PortAllocator.FreePort(new HashSet<int> { port, port + 1, poolerPort });
        var behindHaproxyPort = PortAllocator.FreePort(new HashSet<int> { port, port + 1, poolerPort, handPort });
        using var hand = await StartHandPgBouncerAsync(install, "hand", handPort, leaderPort);
        using var behindHaproxy = await StartHandPgBouncerAsync(install, "behind-haproxy", behindHaproxyPort, port);
        try
        {
            return await MeasureAsync(install, port, poolerPort, leaderPort, handPort, behindHaproxyPort, runs, seconds, write);
        }
        finally
        {
            hand.Kill();
            behindHaproxy.Kill();
        }
    }

    private static async Task<int> MeasureAsync(TuskInstall install, int port, int poolerPort, int leaderPort, int handPort, int behindHaproxyPort, int runs, int seconds, string? write)
    {
        var env = PgEnvironment(install);

        var targets = new[] { ("Tusk's PgBouncer", poolerPort), ("direct to the primary", leaderPort), ("hand-configured PgBouncer behind HAProxy", behindHaproxyPort), ("hand-configured PgBouncer", handPort) };
        var selectOnly = targets.ToDictionary(t => t.Item1, _ => new List<double>());
        var storm = new Dictionary<string, List<double>> { ["Tusk's PgBouncer"] = [], ["direct to the primary"] = [] };
        for (var run = 0; run < runs; run++)
        {
            foreach (var (name, target) in targets)
            {
                Console.Error.WriteLine($"== pgbench -S -c 8, {seconds} s, {name} (run {run + 1}/{runs})");
                selectOnly[name].Add(await PgbenchAsync(env, target, ["-S", "-c", "8", "-j", "2"], seconds));
            }

            foreach (var (name, target) in targets.Take(2))
            {
                Console.Error.WriteLine($"== pgbench -S -C -c 64, {seconds} s, {name} (run {run + 1}/{runs})");
                storm[name].Add(await PgbenchAsync(env, target, ["-S", "-C", "-c", "64", "-j", "2"], seconds));
            }
        }

        Console.Error.WriteLine("== switchover write gap through PgBouncer");
        var gaps = new List<double>();
        var haproxyGaps = new List<double>();
        for (var run = 0; run < Math.Max(runs, 5); run++)
        {
            await using var viaTusk = new Writer(() => install.Connection("pool", poolerPort));
            await using var viaHaproxy = new Writer(() => install.Connection("pool", port));
            viaTusk.Start();
            viaHaproxy.Start();
            await viaTusk.FirstCommitAfterAsync(viaTusk.Now, TimeSpan.FromSeconds(60));
            await viaHaproxy.FirstCommitAfterAsync(viaHaproxy.Now, TimeSpan.FromSeconds(60));
            await Task.Delay(500);
            var (start, startHaproxy) = (viaTusk.Now, viaHaproxy.Now);
            await install.TuskAsync("switchover", "pool");
            await viaTusk.FirstCommitAfterAsync(viaTusk.Now, TimeSpan.FromSeconds(60));
            await viaHaproxy.FirstCommitAfterAsync(viaHaproxy.Now, TimeSpan.FromSeconds(60));
            await Task.Delay(1000);
            gaps.Add(viaTusk.LongestGap(start, viaTusk.Now));
            haproxyGaps.Add(viaHaproxy.LongestGap(startHaproxy, viaHaproxy.Now));
            await Task.Delay(3000); // let the old primary rejoin before the next switchover
        }

        string Tps(List<double> values) => new Sample("", values).Format("tps", "0");
        double Median(List<double> values) => new Sample("", values).Median;
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores; pgbench {seconds} s per run, {runs} runs per target interleaved; scale 10; TLS everywhere; median (min, max, n).");
        report.AppendLine();
        report.AppendLine("| figure | target | Tusk | baseline (same run) |");
        report.AppendLine("|---|---|---|---|");
        var tusk = Median(selectOnly["Tusk's PgBouncer"]);
        report.AppendLine(CultureInfo.InvariantCulture, $"| pgbench -S, 8 clients, through the pooler | ≥ 0.95× the hand-configured PgBouncer | {Tps(selectOnly["Tusk's PgBouncer"])} | hand-configured PgBouncer behind the same endpoint {Tps(selectOnly["hand-configured PgBouncer behind HAProxy"])} (Tusk {tusk / Median(selectOnly["hand-configured PgBouncer behind HAProxy"]):0.00}×); hand-configured PgBouncer pointed straight at the primary {Tps(selectOnly["hand-configured PgBouncer"])} (Tusk {tusk / Median(selectOnly["hand-configured PgBouncer"]):0.00}×); no pooler, straight to the primary {Tps(selectOnly["direct to the primary"])} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| connection storm, pgbench -S -C, 64 clients | ≥ 1.5× direct | {Tps(storm["Tusk's PgBouncer"])} ({Median(storm["Tusk's PgBouncer"]) / Median(storm["direct to the primary"]):0.00}×) | direct to the primary {Tps(storm["direct to the primary"])} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| switchover write gap through PgBouncer | ≤ 1 s | {new Sample("", gaps).Format("s")} | the primary endpoint without a pooler: {new Sample("", haproxyGaps).Format("s")} |");
        Console.WriteLine(report);
        if (write is not null)
        {
            await ReportFile.WriteAsync(write, "bench-pgbouncer", report.ToString());
        }

        return 0;
    }

    /// <summary>libpq's variables for pgbench as the cluster's user, TLS verified against Tusk's CA; the password never in arguments.</summary>
    private static Dictionary<string, string> PgEnvironment(TuskInstall install) => new()
    {
        ["PGUSER"] = "app",
        ["PGPASSWORD"] = File.ReadAllText(Path.Combine(install.ClusterPath("pool"), "secrets", "user-app")),
        ["PGSSLMODE"] = "verify-ca",
        ["PGSSLROOTCERT"] = Path.Combine(install.Home, "ca", "ca.crt"),
    };

    private static async Task<double> PgbenchAsync(Dictionary<string, string> env, int port, string[] options, int seconds)
    {
        var (_, output) = await Shell.RunAsync("pgbench", [.. options, "-n", "-T", seconds.ToString(CultureInfo.InvariantCulture), "-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "app"], env);
        var match = TpsLine().Match(output);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : throw new InvalidOperationException($"pgbench printed no tps: {output}");
    }

    /// <summary>
    /// A PgBouncer configured by hand as its documentation shows, with the same pool, TLS and
    /// retry settings as Tusk's but a plain auth_file holding the user's password.
    /// </summary>
    private static async Task<Process> StartHandPgBouncerAsync(TuskInstall install, string name, int listenPort, int serverPort)
    {
        var dir = Path.Combine(install.Home, $"{name}-pgbouncer");
        Directory.CreateDirectory(dir);
        var tls = Path.Combine(install.ClusterPath("pool"), "pgbouncer", "tls");
        foreach (var file in new[] { "server.crt", "server.key", "ca.crt" })
        {
            File.Copy(Path.Combine(tls, file), Path.Combine(dir, file), overwrite: true);
        }

        var password = File.ReadAllText(Path.Combine(install.ClusterPath("pool"), "secrets", "user-app"));
        await File.WriteAllTextAsync(Path.Combine(dir, "userlist.txt"), $"\"app\" \"{password}\"\n");
        await File.WriteAllTextAsync(Path.Combine(dir, "pgbouncer.ini"), $"""
            [databases]
            app = host=127.0.0.1 port={serverPort} dbname=app
            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = {listenPort}
            unix_socket_dir =
            auth_type = scram-sha-256
            auth_file = {dir}/userlist.txt
            pool_mode = transaction
            default_pool_size = 20
            max_client_conn = 100
            server_login_retry = 0.1
            client_tls_sslmode = require
            client_tls_cert_file = {dir}/server.crt
            client_tls_key_file = {dir}/server.key
            server_tls_sslmode = verify-ca
            server_tls_ca_file = {dir}/ca.crt

            """);
        await Shell.RunAsync("chown", ["-R", "postgres:postgres", dir]);
        await Shell.RunAsync("chmod", ["-R", "go-rwx", dir]);
        var process = Process.Start(new ProcessStartInfo("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "/usr/sbin/pgbouncer", Path.Combine(dir, "pgbouncer.ini")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        await Task.Delay(500);
        return process;
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \((?:without initial connection time|including reconnection times)\)")]
    private static partial Regex TpsLine();
}
