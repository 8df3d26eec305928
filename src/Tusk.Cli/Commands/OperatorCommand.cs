using System.CommandLine;
using System.Net;
using Tusk.Kubernetes.Client;
using Tusk.Kubernetes.Controller;

namespace Tusk.Cli.Commands;

/// <summary>
/// `tusk operator run`: the Kubernetes operator in the foreground, one line per reconcile.
/// Inside a pod it uses the pod's service account; elsewhere the kubeconfig (--kubeconfig,
/// --context). Settings from the environment: <see cref="OperatorOptions.FromEnvironment"/>,
/// and TUSK_PROBE_ADDRESS for /healthz, /readyz and /metrics (default 0.0.0.0:8081).
/// </summary>
public static class OperatorCommand
{
    /// <summary>The Lease the operator's replicas elect their leader on.</summary>
    public const string LeaseName = "tusk-operator";

    public static Command Create(CliContext context)
    {
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "The kubeconfig file (default: $KUBECONFIG, then ~/.kube/config); ignored inside a pod" };
        var kubeContext = new Option<string?>("--context") { Description = "The kubeconfig context (default: its current-context)" };
        var run = new Command("run", "Run the operator until interrupted: watch PostgresClusters and reconcile them") { kubeconfig, kubeContext };
        run.SetAction((result, cancel) => RunAsync(context, result.GetValue(kubeconfig), result.GetValue(kubeContext), cancel));
        return new Command("operator", "The Kubernetes operator") { run, OperatorRunBackupCommand.Create(context) };
    }

    /// <summary>Inside a pod its service account; elsewhere the kubeconfig.</summary>
    public static KubeConfig Config(string? kubeconfig, string? kubeContext) =>
        Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST") is { Length: > 0 } && kubeconfig is null
            ? KubeConfig.InCluster()
            : KubeConfig.FromKubeconfig(kubeconfig, kubeContext);

    public static async Task<int> RunAsync(CliContext context, string? kubeconfig, string? kubeContext, CancellationToken cancel)
    {
        KubeConfig config;
        try
        {
            config = Config(kubeconfig, kubeContext);
        }
        catch (KubeConfigException e)
        {
            await context.Err.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.InvalidInput;
        }

        var options = OperatorOptions.FromEnvironment();
        using var client = new KubeClient(config);
        try
        {
            var (image, pullPolicy) = await OperatorOptions.OwnImageAsync(client, cancel);
            options = options with { OperatorImage = options.OperatorImage ?? image, OperatorImagePullPolicy = pullPolicy };
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException)
        {
            await context.Err.WriteLineAsync($"warning: could not read the operator's own pod for its image ({e.Message}); backup Jobs need TUSK_OPERATOR_IMAGE");
        }

        using var op = new Operator(client, options, TimeProvider.System);
        var gate = new Lock();
        op.Reconciled += (key, result) =>
        {
            lock (gate)
            {
                context.Out.WriteLine($"{DateTimeOffset.UtcNow:O} {key}: {result.Outcome}");
            }
        };
        op.Failed += (key, e) =>
        {
            lock (gate)
            {
                context.Err.WriteLine($"{DateTimeOffset.UtcNow:O} {(key.Length == 0 ? "watch" : key)}: {e.Message}");
            }
        };
        var scope = options.WatchNamespaces.Count == 0 ? "all namespaces" : string.Join(", ", options.WatchNamespaces);
        // Replicas of the Deployment elect one leader on a Lease in their own namespace; the others wait.
        var leaseNamespace = Environment.GetEnvironmentVariable("POD_NAMESPACE") is { Length: > 0 } podNs ? podNs : config.Namespace;
        var identity = Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod ? pod : $"{Environment.MachineName}-{Environment.ProcessId}";
        var elector = new LeaderElector(client, leaseNamespace, LeaseName, identity, TimeProvider.System);
        elector.Transition += t =>
        {
            op.Metrics.IsLeader = t == "became leader";
            op.Metrics.IsSynced = false;
            lock (gate)
            {
                context.Out.WriteLine($"{DateTimeOffset.UtcNow:O} {identity} {t}");
            }
        };
        await context.Out.WriteLineAsync($"tusk operator: {config.Server}, watching {scope}; lease {leaseNamespace}/{LeaseName} as {identity}");
        var probeAddress = Environment.GetEnvironmentVariable("TUSK_PROBE_ADDRESS") is { Length: > 0 } a ? a : $"0.0.0.0:{ProbeServer.DefaultPort}";
        if (!IPEndPoint.TryParse(probeAddress, out var probeEndpoint))
        {
            await context.Err.WriteLineAsync($"error: TUSK_PROBE_ADDRESS \"{probeAddress}\" is not an address:port such as 0.0.0.0:{ProbeServer.DefaultPort}");
            return ExitCodes.InvalidInput;
        }

        await using var probes = await ProbeServer.StartAsync(probeEndpoint, op.Metrics, () => elector.ReachedServer);
        try
        {
            await elector.RunAsync(token => op.RunAsync(cancel: token), cancel);
        }
        catch (KubeApiException e)
        {
            await context.Err.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.Failed;
        }

        return ExitCodes.Ok;
    }
}
