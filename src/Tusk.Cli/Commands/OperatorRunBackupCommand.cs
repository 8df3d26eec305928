using System.CommandLine;
using Tusk.Kubernetes.Client;
using Tusk.Kubernetes.Controller;

namespace Tusk.Cli.Commands;

/// <summary>
/// `tusk operator run-backup CLUSTER`: what a backup Job's pod runs (BackupJobBuilder). It finds
/// the cluster's primary and runs pgBackRest's backup in that pod's pgbackrest sidecar
/// (pods/exec, under the Job's &lt;c&gt;-pgbackrest account), prints pgBackRest's output and
/// exits with its exit code, so the Job succeeds or fails with the backup.
/// </summary>
public static class OperatorRunBackupCommand
{
    /// <summary>A Job started during a failover waits this long for a primary.</summary>
    private static readonly TimeSpan PrimaryWait = TimeSpan.FromMinutes(2);

    public static Command Create(CliContext context)
    {
        var cluster = new Argument<string>("cluster") { Description = "The PostgresCluster's name" };
        var ns = new Option<string>("--namespace", "-n") { Description = "Its namespace", Required = true };
        var repo = new Option<string>("--repo") { Description = "repo1..repo4", Required = true };
        var type = new Option<string>("--type") { Description = "full, diff or incr", Required = true };
        type.AcceptOnlyFromAmong("full", "diff", "incr");
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "The kubeconfig file; ignored inside a pod" };
        var command = new Command("run-backup", "Run one pgBackRest backup on a cluster's primary (what a backup Job's pod runs)") { cluster, ns, repo, type, kubeconfig };
        command.SetAction((r, cancel) => RunAsync(context, r.GetValue(ns)!, r.GetValue(cluster)!, r.GetValue(repo)!, r.GetValue(type)!, r.GetValue(kubeconfig), cancel));
        return command;
    }

    public static async Task<int> RunAsync(CliContext context, string ns, string cluster, string repo, string type, string? kubeconfig, CancellationToken cancel)
    {
        if (!repo.StartsWith("repo", StringComparison.Ordinal) || !int.TryParse(repo.AsSpan(4), out var index) || index is < 1 or > 4)
        {
            await context.Err.WriteLineAsync($"error: --repo \"{repo}\" is not a repository name: use repo1, repo2, repo3 or repo4");
            return ExitCodes.InvalidInput;
        }

        KubeConfig config;
        try
        {
            config = OperatorCommand.Config(kubeconfig, null);
        }
        catch (KubeConfigException e)
        {
            await context.Err.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.InvalidInput;
        }

        using var client = new KubeClient(config);
        var deadline = DateTimeOffset.UtcNow + PrimaryWait;
        string? primary;
        while ((primary = await PrimaryPgBackRest.FindAsync(client, ns, cluster, cancel)) is null)
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                await context.Err.WriteLineAsync($"error: {ns}/{cluster} has had no primary for {PrimaryWait.TotalMinutes:0} minutes; no backup was taken");
                return ExitCodes.Failed;
            }

            await Task.Delay(TimeSpan.FromSeconds(2), cancel);
        }

        await context.Out.WriteLineAsync($"{DateTimeOffset.UtcNow:O} {type} backup of {ns}/{cluster} to {repo} on {primary}");
        var result = await PrimaryPgBackRest.RunAsync(client, ns, primary, [$"--repo={index}", $"--type={type}", "backup"], cancel);
        await context.Out.WriteAsync(result.Stdout);
        await context.Err.WriteAsync(result.Stderr);
        await (result.Succeeded ? context.Out : context.Err).WriteLineAsync(result.Succeeded
            ? $"{DateTimeOffset.UtcNow:O} the backup finished"
            : $"{DateTimeOffset.UtcNow:O} error: pgBackRest exited with {result.ExitCode}: {PrimaryPgBackRest.Message(result)}");
        return result.Succeeded ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
