using System.CommandLine;
using Tusk.Api;
using Tusk.Cli.Kubernetes;

namespace Tusk.Cli.Commands;

/// <summary>`tusk delete cluster NAME`: stops it; data is kept unless --purge; asks first unless --yes.</summary>
public static class DeleteCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "The cluster's name" };
        var ns = Options.Namespace();
        var purge = new Option<bool>("--purge") { Description = "Also delete the data directories, secrets and certificates (cannot be undone)" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation" };
        var cluster = new Command("cluster", "Stop a cluster and forget it (data kept unless --purge)") { name, ns, purge, yes };
        cluster.Aliases.Add("pgc");
        var kube = new KubeOptions();
        kube.AddTo(cluster);
        cluster.SetAction((result, cancel) => kube.RunAsync(result, context,
            target => OnKubernetesAsync(context, target, KubeOptions.Namespace(result, ns, target), result.GetValue(name)!, result.GetValue(purge), result.GetValue(yes), Console.In, cancel),
            () => RunAsync(context, result.GetValue(ns)!, result.GetValue(name)!, result.GetValue(purge), result.GetValue(yes), Console.In, cancel)));
        return new Command("delete", "Delete resources") { cluster };
    }

    public static async Task<int> RunAsync(CliContext context, string ns, string name, bool purge, bool yes, TextReader input, CancellationToken cancel)
    {
        if (!await ConfirmedAsync(context, ns, name, purge, yes, input, cancel))
        {
            return ExitCodes.InvalidInput;
        }

        using var agent = await context.AgentAsync(cancel);
        if (agent is null)
        {
            return ExitCodes.Failed;
        }

        var response = await agent.DeleteAsync(ns, name, purge, cancel);
        await (response.Ok ? context.Out : context.Err).WriteLineAsync(response.Ok ? response.Message : $"error: {response.Message}");
        return response.Ok ? ExitCodes.Ok : ExitCodes.NotFound;
    }

    /// <summary>
    /// On Kubernetes the resource goes and the operator's objects with it (owner references);
    /// the data volumes' claims stay unless --purge, as with a StatefulSet.
    /// </summary>
    private static async Task<int> OnKubernetesAsync(CliContext context, KubeTarget target, string ns, string name, bool purge, bool yes, TextReader input, CancellationToken cancel)
    {
        if (!await ConfirmedAsync(context, ns, name, purge, yes, input, cancel))
        {
            return ExitCodes.InvalidInput;
        }

        var (cluster, exitCode) = await ClusterLookup.FindAsync(context, target, ns, name, cancel);
        if (cluster is null)
        {
            return exitCode;
        }

        if (!await target.DeleteAsync(ns, name, cancel))
        {
            await context.Err.WriteLineAsync(ClusterLookup.Missing(target, ns, name));
            return ExitCodes.NotFound;
        }

        // As kubectl does, wait until the resource is gone: the operator's finalizer runs first.
        if (!(await target.WaitAsync(ns, name, c => c is null, FinalizerWait, cancel)).Reached)
        {
            await context.Err.WriteLineAsync($"error: PostgresCluster {ns}/{name} is marked for deletion but still there after {FinalizerWait.TotalSeconds:0}s: the operator's finalizer ({Tusk.Kubernetes.Controller.ClusterFinalizer.Name}) has not run; is the operator running? (`kubectl -n tusk-system get pods`)");
            return ExitCodes.TimedOut;
        }

        var claims = purge ? await target.DeleteVolumeClaimsAsync(ns, name, cancel) : [];
        var deletedBySpec = cluster.Spec.PersistentVolumeClaimRetentionPolicy?.WhenDeleted == VolumeClaimRetentionPolicy.Delete;
        await context.Out.WriteLineAsync(
            purge ? $"deleted PostgresCluster {ns}/{name} and its volume claims ({(claims.Count == 0 ? "none left" : string.Join(", ", claims))})"
            : deletedBySpec ? $"deleted PostgresCluster {ns}/{name}; the operator deleted its volume claims, as spec.persistentVolumeClaimRetentionPolicy.whenDeleted is Delete"
            : $"deleted PostgresCluster {ns}/{name}; its data volumes are kept (their claims carry the label tusk.dev/cluster={name}; --purge deletes them)");
        return ExitCodes.Ok;
    }

    private static readonly TimeSpan FinalizerWait = TimeSpan.FromSeconds(60);

    private static async Task<bool> ConfirmedAsync(CliContext context, string ns, string name, bool purge, bool yes, TextReader input, CancellationToken cancel)
    {
        if (yes)
        {
            return true;
        }

        await context.Err.WriteAsync(purge
            ? $"Delete cluster {ns}/{name} and ALL its data? This cannot be undone. Type the cluster name to confirm: "
            : $"Stop and delete cluster {ns}/{name} (its data is kept)? Type the cluster name to confirm: ");
        if ((await input.ReadLineAsync(cancel))?.Trim() == name)
        {
            return true;
        }

        await context.Err.WriteLineAsync("Not confirmed; nothing was changed. (Use --yes in scripts.)");
        return false;
    }
}
