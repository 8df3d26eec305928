using System.CommandLine;
using System.Diagnostics;

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
        command.SetAction((r, cancel) => RunAsync(context, r.GetValue(ns)!, r.GetValue(name)!, r.GetValue(repo), r.GetValue(type), r.GetValue(wait), r.GetValue(timeout), cancel));
        return command;
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
        while (clock.Elapsed < timeout)
        {
            var job = (await agent.GetAsync(ns, name, cancel))?.Status?.Backups?.LastJob;
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

            await Task.Delay(200, cancel);
        }

        await context.Err.WriteLineAsync($"error: the backup was still running after {timeout.TotalSeconds:0}s; it goes on, and `tusk describe cluster {name}` shows when it ends");
        return ExitCodes.TimedOut;
    }
}
