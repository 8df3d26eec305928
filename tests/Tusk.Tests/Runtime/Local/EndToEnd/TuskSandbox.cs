using System.Diagnostics;
using System.Runtime.Versioning;
using Npgsql;
using Tusk.Api;
using Tusk.Runtime.Local;

namespace Tusk.Tests.Runtime.Local.EndToEnd;

/// <summary>
/// A private Tusk installation for one test: its own state directory under /tmp, the real
/// `tusk` executable, real processes on free loopback ports. Disposing stops everything it
/// started — through `tusk agent stop --all`, then by killing whatever still runs from its
/// directory — and fails loudly if anything survived, so no test leaks processes or ports.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class TuskSandbox : IAsyncDisposable
{
    public TuskSandbox()
    {
        Home = Directory.CreateTempSubdirectory("tusk-e2e-").FullName;
        File.SetUnixFileMode(Home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
    }

    public string Home { get; }

    public static string Executable => TuskCli.Executable;

    public Task<CliResult> RunAsync(params string[] args) => TuskCli.RunAsync(Home, null, TimeSpan.FromMinutes(5), args);

    /// <summary>Runs tusk and fails the test with everything it printed when the exit code is not 0.</summary>
    public async Task<CliResult> RunOkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 0, $"tusk {string.Join(' ', args)} failed:\n{result}\n{Diagnostics()}");
        return result;
    }

    /// <summary>
    /// The agent's log and the end of every member's Patroni log (PostgreSQL writes there too):
    /// why a member failed is in its own log, and the sandbox is deleted when the test ends.
    /// </summary>
    public string Diagnostics()
    {
        IEnumerable<string> members = Directory.Exists(Path.Combine(Home, "clusters"))
            ? Directory.EnumerateFiles(Path.Combine(Home, "clusters"), "patroni.log", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : [];
        return $"--- agent log ---\n{AgentLog()}" + string.Concat(members.Select(log =>
            $"\n--- {Path.GetRelativePath(Home, log)} ---\n{string.Join('\n', File.ReadLines(log).TakeLast(15))}"));
    }

    public string AgentLog() => File.Exists(Path.Combine(Home, "agent.log")) ? string.Join('\n', File.ReadLines(Path.Combine(Home, "agent.log")).TakeLast(60)) : "(no agent log)";

    public string WriteManifest(string name, string yaml)
    {
        var path = Path.Combine(Home, $"{name}.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    public static string Manifest(string name, int port, int replicas, bool synchronous = false, int ttl = 30, int loopWait = 10) => $"""
        apiVersion: tusk.dev/v1
        kind: PostgresCluster
        metadata:
          name: {name}
        spec:
          postgresVersion: 15
          port: {port}
          instances:
            - name: instance1
              replicas: {replicas}
          patroni:
            leaderLeaseDurationSeconds: {ttl}
            syncPeriodSeconds: {loopWait}
            synchronousMode: {(synchronous ? "true" : "false")}
          users:
            - name: app
              databases: [app]
              options: CREATEDB
        """;

    /// <summary>Applies a cluster and waits until it is ready; returns its status.</summary>
    public async Task<PostgresCluster> CreateAsync(string name, int port, int replicas, bool synchronous = false, int ttl = 30, int loopWait = 10)
    {
        var file = WriteManifest(name, Manifest(name, port, replicas, synchronous, ttl, loopWait));
        await RunOkAsync("apply", "-f", file, "--wait", "--timeout", "150s");
        return await ClusterAsync(name);
    }

    public async Task<PostgresCluster> ClusterAsync(string name)
    {
        var result = await RunOkAsync("describe", "cluster", name, "-o", "json");
        return Json.Deserialize<PostgresCluster>(result.Out)!;
    }

    /// <summary>Two consecutive free ports (primary and replicas endpoints).</summary>
    public static int FreePortPair() => PortAllocator.FreePair();

    public static bool IsFree(int port) => PortAllocator.IsFree(port);

    public string ClusterPath(string name) => Path.Combine(Home, "clusters", "default", name);

    public string Secret(string cluster, string file) => File.ReadAllText(Path.Combine(ClusterPath(cluster), "secrets", file));

    public string CaFile => Path.Combine(Home, "ca", "ca.crt");

    /// <summary>A connection as the generated user "app" (or the superuser), over TLS verified against Tusk's CA.</summary>
    public async Task<NpgsqlConnection> ConnectAsync(string cluster, int port, bool superuser = false, string database = "app")
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = superuser ? "postgres" : "app",
            Password = Secret(cluster, superuser ? "superuser" : "user-app"),
            Database = superuser ? "postgres" : database,
            SslMode = SslMode.VerifyFull,
            RootCertificate = CaFile,
            Pooling = false,
            Timeout = 5,
        };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    /// <summary>Polls until the condition holds; fails with the description and the agent's log after the timeout.</summary>
    public async Task WaitUntilAsync(string what, TimeSpan timeout, Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (clock.Elapsed < timeout)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                last = e;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"timed out after {timeout.TotalSeconds:0}s waiting until {what}; last error: {last?.Message}\n{Diagnostics()}");
    }

    /// <summary>PIDs of every process whose command line mentions this sandbox's directory.</summary>
    public IReadOnlyList<int> Processes() => Tusk.Runtime.Local.Processes.ProcessProbe.Find(c => c.Contains(Home, StringComparison.Ordinal));

    /// <summary>
    /// The processes of <see cref="Processes"/> alive in two looks half a second apart: the
    /// servers, without the short-lived helpers they run now and then (Patroni's pg_controldata,
    /// pgBackRest's archive-push), which name the sandbox's directories too.
    /// </summary>
    public async Task<HashSet<int>> LastingProcessesAsync()
    {
        var first = Processes().ToHashSet();
        await Task.Delay(500);
        first.IntersectWith(Processes());
        return first;
    }

    /// <summary>Each process as "pid command line", one a line.</summary>
    public static string Describe(IEnumerable<int> pids) => string.Join('\n', pids.Select(pid => $"{pid} {CommandLine(pid)}"));

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "(gone)";
        }
    }

    public static void Kill(int pid, int signal = 9) => _ = Native.Kill(pid, signal);

    public async ValueTask DisposeAsync()
    {
        var stopped = await RunAsync("agent", "stop", "--all");
        for (var i = 0; i < 100 && Processes().Count > 0; i++)
        {
            await Task.Delay(100);
        }

        // The agent's command line does not name the state directory (TUSK_HOME is in its
        // environment), so a surviving agent is found through its pid file; otherwise it would
        // restart everything killed below.
        var leftovers = Processes().ToList();
        if (File.Exists(Path.Combine(Home, "agent.pid"))
            && int.TryParse(File.ReadAllText(Path.Combine(Home, "agent.pid")), out var agent)
            && Tusk.Runtime.Local.Processes.ProcessProbe.IsAlive(agent, "agent run"))
        {
            leftovers.Insert(0, agent);
        }

        var described = Describe(leftovers);
        // What the agent started, restarted, adopted and stopped (read before the directory goes):
        // how a survivor escaped it. Every line names "tusk.agent", so the filter is on the verbs.
        var agentLog = Path.Combine(Home, "agent.log");
        var log = leftovers.Count == 0 || !File.Exists(agentLog) ? "" : string.Join('\n', File.ReadLines(agentLog)
            .Where(l => new[] { "started", "stopped", "adopted" }.Any(verb => l.Contains(verb, StringComparison.Ordinal)))
            .TakeLast(80));
        foreach (var pid in leftovers)
        {
            Kill(pid);
        }

        // Postmasters' children carry no path; they exit with their postmaster.
        await Task.Delay(200);
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
        }

        Assert.True(leftovers.Count == 0, $"processes survived `tusk agent stop --all` ({stopped.Out.Trim()}):\n{described}\nthe agent's log:\n{log}");
    }
}
