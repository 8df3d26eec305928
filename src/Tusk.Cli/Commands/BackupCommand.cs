using System.CommandLine;
using System.Diagnostics;
using Tusk.Cli.Kubernetes;
using Tusk.Kubernetes.Builders;
using Tusk.Kubernetes.Controller;

namespace Tusk.Cli.Commands;

/// <summary>`tusk backup CLUSTER`: a pgBackRest backup now, from the primary; --wait shows progress until it ends.</summary>
public static class BackupCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("cluster") { Description = "The cluster's name" };
        var ns = Options.Namespace();
        var repo = new Option<string?>("--repo") { Description = "repo1..repo4 (default: spec.backups.pgbackrest.manual.repoName, else the first repository)" };
        var type = new Option<string?>("--type") { Description = "full, diff or incr (default: spec.backups.pgbackrest.manual's --type, else full)" };
        type.AcceptOnlyFromAmong("full", "diff", "incr");
        var wait = new Option<bool>("--wait") { Description = "Show progress and return when the backup has ended" };
        var timeout = Options.Timeout(3600);
        var command = new Command("backup", "Take a pgBackRest backup now") { name, ns, repo, type, wait, timeout };
        var kube = new KubeOptions();
        kube.AddTo(command);
        command.SetAction((r, cancel) => kube.RunAsync(r, context,
            target => OnKubernetesAsync(context, target, KubeOptions.Namespace(r, ns, target), r.GetValue(name)!, r.GetValue(repo), r.GetValue(type), r.GetValue(wait), r.GetValue(timeout), cancel),
            () => RunAsync(context, r.GetValue(ns)!, r.GetValue(name)!, r.GetValue(repo), r.GetValue(type), r.GetValue(wait), r.GetValue(timeout), cancel)));
        return command;
    }

    /// <summary>
    /// On Kubernetes the backup goes through the resource: a new trigger annotation makes the
    /// operator start a backup Job (KubeBackups); --wait follows status.backups until that Job ends.
    /// </summary>
    private static async Task<int> OnKubernetesAsync(CliContext context, KubeTarget target, string ns, string name, string? repo, string? type, bool wait, TimeSpan timeout, CancellationToken cancel)
    {
        var (cluster, exitCode) = await ClusterLookup.FindAsync(context, target, ns, name, cancel);
        if (cluster is null)
        {
            return exitCode;
        }

        if (cluster.Spec.Backups is null)
        {
            await context.Err.WriteLineAsync($"error: {ns}/{name} has no spec.backups; add a pgBackRest repository first (docs/backups.md)");
            return ExitCodes.InvalidInput;
        }

        var trigger = await target.RequestBackupAsync(ns, name, repo, type, cancel);
        var job = BackupJobBuilder.ManualName(name, trigger);
        await context.Err.WriteLineAsync($"asked the operator for a backup of {ns}/{name} (annotation {KubeBackups.TriggerAnnotation}={trigger}); it runs as Job {job}");
        if (!wait)
        {
            await context.Err.WriteLineAsync($"`tusk describe cluster {name} --context ...` shows when it ends; `tusk get backups {name} --context ...` lists the backups");
            return ExitCodes.Ok;
        }

        var clock = Stopwatch.StartNew();
        var shown = TimeSpan.Zero;
        var (ended, last) = await target.WaitAsync(ns, name, c =>
        {
            if (clock.Elapsed - shown >= TimeSpan.FromSeconds(5))
            {
                shown = clock.Elapsed;
                context.Err.WriteLine($"  {clock.Elapsed.TotalSeconds,5:0}s  {(c?.Status?.Backups?.Running?.Id == job ? "backing up" : "waiting for the operator to start")} {name}");
            }

            return c?.Status?.Backups?.LastJob?.Id == job;
        }, timeout, cancel);
        if (!ended)
        {
            await context.Err.WriteLineAsync($"error: the backup had not ended after {timeout.TotalSeconds:0}s; it goes on (kubectl get job {job})");
            return ExitCodes.TimedOut;
        }

        var result = last!.Status!.Backups!.LastJob!;
        await (result.Succeeded == true ? context.Out : context.Err).WriteLineAsync(
            result.Succeeded == true ? $"{result.Message} in {clock.Elapsed.TotalSeconds:0.0}s" : $"error: {result.Message}");
        return result.Succeeded == true ? ExitCodes.Ok : ExitCodes.Failed;
    }

    public static async Task<int> RunAsync(CliContext context, string ns, string name, string? repo, string? type, bool wait, TimeSpan timeout, CancellationToken cancel)
    {
        using var agent = await context.AgentAsync(cancel);
        if (agent is null)
        {
            return ExitCodes.Failed;
        }

        var response = await agent.BackupAsync(ns, name, new(repo, type), cancel);
        if (!response.Ok)
        {
            await context.Err.WriteLineAsync($"error: {response.Message}");
            return ExitCodes.Failed;
        }

        await context.Err.WriteLineAsync(response.Message);
        if (!wait)
        {
            await context.Err.WriteLineAsync($"`tusk describe cluster {name}` shows when it ends; `tusk get backups {name}` lists the backups");
            return ExitCodes.Ok;
        }

        var clock = Stopwatch.StartNew();
        var shown = TimeSpan.Zero;
        var next = agent.Follow(ns, name); // the agent publishes the job's end the moment it comes
        while (clock.Elapsed < timeout)
        {
            var job = (await next(cancel))?.Status?.Backups?.LastJob;
            if (job?.Id == response.Id)
            {
                await (job!.Succeeded == true ? context.Out : context.Err).WriteLineAsync(
                    job.Succeeded == true ? $"{job.Message} in {clock.Elapsed.TotalSeconds:0.0}s" : $"error: {job.Message}");
                return job.Succeeded == true ? ExitCodes.Ok : ExitCodes.Failed;
            }

            if (clock.Elapsed - shown >= TimeSpan.FromSeconds(5))
            {
                shown = clock.Elapsed;
                await context.Err.WriteLineAsync($"  {clock.Elapsed.TotalSeconds,5:0}s  backing up {name}");
            }
        }

        await context.Err.WriteLineAsync($"error: the backup was still running after {timeout.TotalSeconds:0}s; it goes on, and `tusk describe cluster {name}` shows when it ends");
        return ExitCodes.TimedOut;
    }
}
