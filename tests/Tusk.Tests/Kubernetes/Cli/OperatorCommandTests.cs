using Tusk.Cli;
using Tusk.Kubernetes.Client;
using Tusk.Runtime.Local;
using Tusk.Tests.Kubernetes.Crd;

namespace Tusk.Tests.Kubernetes.Cli;

[Collection(ApiServerGroup.Name)]
public sealed class OperatorCommandTests(ApiServer server) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tusk-operator-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A StringWriter whose text other threads may read while the command writes.</summary>
    private sealed class SyncWriter : StringWriter
    {
        private readonly Lock _gate = new();

        public override void Write(char value)
        {
            lock (_gate)
            {
                base.Write(value);
            }
        }

        public override void Write(string? value)
        {
            lock (_gate)
            {
                base.Write(value);
            }
        }

        public override void WriteLine(string? value)
        {
            lock (_gate)
            {
                base.WriteLine(value);
            }
        }

        public override string ToString()
        {
            lock (_gate)
            {
                return base.ToString();
            }
        }
    }

    [Fact]
    public async Task Tusk_operator_run_reconciles_clusters_in_the_namespaces_it_is_told_to_watch_and_prints_each_outcome()
    {
        await CrdInstaller.InstallAsync(server.Admin);
        var ns = await Namespaces.CreateAsync(server.Admin, "cli");
        var kubeconfig = Path.Combine(_dir, "config");
        await File.WriteAllTextAsync(kubeconfig, server.AdminKubeconfig());
        File.SetUnixFileMode(kubeconfig, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Environment.SetEnvironmentVariable("TUSK_WATCH_NAMESPACES", ns);
        Environment.SetEnvironmentVariable("RELATED_IMAGE_POSTGRES_15", "tusk/postgres:15");
        var probePort = PortAllocator.FreePort(new HashSet<int>());
        Environment.SetEnvironmentVariable("TUSK_PROBE_ADDRESS", $"127.0.0.1:{probePort}");
        using var probes = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{probePort}") };
        using var output = new SyncWriter();
        using var errors = new SyncWriter();
        using var stop = new CancellationTokenSource();
        try
        {
            var context = new CliContext(output, errors, new TuskHome(_dir));
            var run = CliApp.RunAsync(["operator", "run", "--kubeconfig", kubeconfig], context, stop.Token);
            await server.Admin.ApplyAsync(ApiResource.PostgresCluster, ns, CrdInstaller.ReadYaml("examples/hippo.yaml"), force: true);
            var expected = $"{ns}/hippo: waiting for Patroni to bootstrap the first primary (0 of 3 instances ready)";
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline && !output.ToString().Contains(expected, StringComparison.Ordinal))
            {
                await Task.Delay(100);
            }

            Assert.Equal("ok", await probes.GetStringAsync("/healthz"));
            Assert.Equal("ok", await probes.GetStringAsync("/readyz"));
            var metrics = await probes.GetStringAsync("/metrics");
            Assert.Contains("tusk_leader 1\n", metrics, StringComparison.Ordinal);
            Assert.Matches("tusk_reconcile_total\\{result=\"success\"\\} [1-9]", metrics);

            await stop.CancelAsync();
            Assert.Equal(ExitCodes.Ok, await run);
            Assert.StartsWith($"tusk operator: {server.Server}, watching {ns}; lease default/tusk-operator as ", output.ToString(), StringComparison.Ordinal);
            Assert.Contains(" became leader", output.ToString(), StringComparison.Ordinal);
            Assert.Contains(expected, output.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(server.AdminToken, output.ToString() + errors, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("TUSK_WATCH_NAMESPACES", null);
            Environment.SetEnvironmentVariable("RELATED_IMAGE_POSTGRES_15", null);
            Environment.SetEnvironmentVariable("TUSK_PROBE_ADDRESS", null);
        }
    }

    [Fact]
    public async Task Tusk_operator_run_without_a_usable_kubeconfig_says_which_file_and_exits_with_invalid_input()
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var missing = Path.Combine(_dir, "nope");
        var code = await CliApp.RunAsync(["operator", "run", "--kubeconfig", missing], new CliContext(output, errors, new TuskHome(_dir)));
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Equal($"error: {missing}: no kubeconfig file there; pass --kubeconfig or set KUBECONFIG\n", errors.ToString());
    }
}
