using System.CommandLine;
using Tusk.Cli.Kubernetes;
using Tusk.Kubernetes.Controller;

namespace Tusk.Cli.Commands;

/// <summary>`tusk switchover` (planned, to any or a chosen replica) and `tusk failover --to` (forced, to a chosen member).</summary>
public static class SwitchoverCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("cluster") { Description = "The cluster's name" };
        var ns = Options.Namespace();
        var to = new Option<string?>("--to") { Description = "The member to promote (default: Patroni picks the healthiest replica)" };
        var command = new Command("switchover", "Move the primary role to a replica, cleanly") { name, ns, to };
        var kube = new KubeOptions();
        kube.AddTo(command);
        command.SetAction((result, cancel) => kube.RunAsync(result, context,
            target => OnKubernetesAsync(context, target, KubeOptions.Namespace(result, ns, target), result.GetValue(name)!, result.GetValue(to), cancel),
            () => RunAsync(context, result.GetValue(ns)!, result.GetValue(name)!, result.GetValue(to), failover: false, cancel)));
        return command;
    }

    public static Command CreateFailover(CliContext context)
    {
        var name = new Argument<string>("cluster") { Description = "The cluster's name" };
        var ns = Options.Namespace();
        var to = new Option<string>("--to") { Description = "The member to promote", Required = true };
        var command = new Command("failover", "Promote a chosen member even when the primary is unhealthy") { name, ns, to };
        command.SetAction((result, cancel) => RunAsync(context, result.GetValue(ns)!, result.GetValue(name)!, result.GetValue(to), failover: true, cancel));
        return command;
    }

    public static async Task<int> RunAsync(CliContext context, string ns, string name, string? to, bool failover, CancellationToken cancel)
    {
        using var agent = await context.AgentAsync(cancel);
        if (agent is null)
        {
            return ExitCodes.Failed;
        }

        var response = failover
            ? await agent.FailoverAsync(ns, name, to!, cancel)
            : await agent.SwitchoverAsync(ns, name, to, cancel);
        await (response.Ok ? context.Out : context.Err).WriteLineAsync(response.Ok ? response.Message : $"error: {response.Message}");
        return response.Ok ? ExitCodes.Ok : ExitCodes.Failed;
    }

    /// <summary>
    /// On Kubernetes the switchover goes through the resource: the operator sees a new trigger
    /// annotation and writes Patroni's failover key; Patroni's leader then hands over. Waits (30 s
    /// at most) until the operator has acted, and says from which member to which.
    /// </summary>
    private static async Task<int> OnKubernetesAsync(CliContext context, KubeTarget target, string ns, string name, string? to, CancellationToken cancel)
    {
        var (cluster, exitCode) = await ClusterLookup.FindAsync(context, target, ns, name, cancel);
        if (cluster is null)
        {
            return exitCode;
        }

        var trigger = await target.RequestSwitchoverAsync(ns, name, to, cancel);
        var (acted, last) = await target.WaitAsync(ns, name, c => c?.Status?.SwitchoverTrigger == trigger, TimeSpan.FromSeconds(30), cancel);
        if (acted)
        {
            var primary = last!.Status!.Primary;
            await context.Out.WriteLineAsync(to == primary
                ? $"{to} is already the primary of {ns}/{name}; nothing to do"
                : $"asked Patroni to switch {ns}/{name} over from {primary} to {to ?? "the healthiest replica"}; `tusk get clusters --context ...` shows the new primary");
            return ExitCodes.Ok;
        }

        await context.Err.WriteLineAsync($"error: the switchover of {ns}/{name} is requested (annotation {SwitchoverRequest.TriggerAnnotation}={trigger}) but the operator has not acted on it within 30 s; it acts once the cluster has a primary. `tusk describe cluster {name} --context ...` says what it is doing");
        return ExitCodes.TimedOut;
    }
}
