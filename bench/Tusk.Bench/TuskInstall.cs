using Npgsql;
using Tusk.Api;
using Tusk.Runtime.Local;

namespace Tusk.Bench;

/// <summary>One `tusk` binary with a private state directory, driven the way a user drives it.</summary>
public sealed class TuskInstall(string executable) : IAsyncDisposable
{
    public string Home { get; } = CreateHome();
    public string Executable { get; } = executable;

    private static string CreateHome()
    {
        var home = Directory.CreateTempSubdirectory("tusk-bench-").FullName;
        File.SetUnixFileMode(home, (UnixFileMode)0b111_001_001);
        return home;
    }

    public Task<(int Exit, string Out)> TuskAsync(params string[] args) =>
        Shell.RunAsync(Executable, args, new Dictionary<string, string> { ["TUSK_HOME"] = Home });

    public async Task ApplyAsync(string name, int port, int replicas, int ttl = 30, int loopWait = 10, string extraSpec = "")
    {
        var file = Path.Combine(Home, name + ".yaml");
        await File.WriteAllTextAsync(file, $"""
            apiVersion: tusk.dev/v1
            kind: PostgresCluster
            metadata: {"{"}name: {name}{"}"}
            spec:
              port: {port}
              instances: [{"{"}name: instance1, replicas: {replicas}{"}"}]
              patroni: {"{"}leaderLeaseDurationSeconds: {ttl}, syncPeriodSeconds: {loopWait}{"}"}
              users: [{"{"}name: app, databases: [app]{"}"}]
            {extraSpec}
            """);
        await TuskAsync("apply", "-f", file, "--wait", "--timeout", "300s");
    }

    public async Task<PostgresCluster> DescribeAsync(string name) =>
        Json.Deserialize<PostgresCluster>((await TuskAsync("describe", "cluster", name, "-o", "json")).Out)!;

    public string ClusterPath(string name) => Path.Combine(Home, "clusters", "default", name);

    public NpgsqlConnection Connection(string cluster, int port) => new(new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = port,
        Username = "app",
        Password = File.ReadAllText(Path.Combine(ClusterPath(cluster), "secrets", "user-app")),
        Database = "app",
        SslMode = SslMode.VerifyCA,
        RootCertificate = Path.Combine(Home, "ca", "ca.crt"),
        Pooling = false,
        Timeout = 2,
        CommandTimeout = 2,
    }.ConnectionString);

    public int AgentPid => int.Parse(File.ReadAllText(Path.Combine(Home, "agent.pid")), System.Globalization.CultureInfo.InvariantCulture);

    public int PostmasterPid(string cluster, string member) =>
        int.Parse(File.ReadLines(Path.Combine(ClusterPath(cluster), "members", member, "data", "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);

    public static int FreePortPair() => PortAllocator.FreePair();

    public async ValueTask DisposeAsync()
    {
        await Shell.RunAsync(Executable, ["agent", "stop", "--all"], new Dictionary<string, string> { ["TUSK_HOME"] = Home }, check: false);
        if (Environment.GetEnvironmentVariable("TUSK_BENCH_KEEP_HOME") == "1")
        {
            Console.Error.WriteLine($"kept {Home} (TUSK_BENCH_KEEP_HOME=1): its logs say what happened");
            return;
        }

        Directory.Delete(Home, recursive: true);
    }
}
