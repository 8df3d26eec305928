using System.CommandLine;
using Tusk.Planning.Backups;

namespace Tusk.Cli.Commands;

/// <summary>
/// `tusk restore CLUSTER --to-time T | --to-lsn L | --to-backup LABEL --yes`: in place. Every
/// change after the target is discarded, so without --yes it only says what it would do.
/// `tusk restore CLUSTER --abort` gives up a restore that failed or still runs and brings back
/// the data from before it; it discards only what the restore produced, so it needs no --yes.
/// </summary>
public static class RestoreCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("cluster") { Description = "The cluster's name" };
        var ns = Options.Namespace();
        var toTime = new Option<string?>("--to-time") { Description = "Replay WAL up to this time, e.g. \"2026-11-30 14:00:00+00\" (UTC when no offset is given)" };
        var toLsn = new Option<string?>("--to-lsn") { Description = "Replay WAL up to this LSN, e.g. 0/3000000" };
        var toBackup = new Option<string?>("--to-backup") { Description = "Restore just this backup (a label from `tusk get backups`)" };
        var repo = new Option<string?>("--repo") { Description = "The repository to restore from (default: the manual or first one)" };
        var yes = new Option<bool>("--yes") { Description = "Really restore: the cluster stops and every change after the target is discarded" };
        var abort = new Option<bool>("--abort") { Description = "Give up the restore under way or failed and go back to the data from before it" };
        var wait = new Option<bool>("--wait") { Description = "Show progress and return once the restored cluster is ready" };
        var timeout = Options.Timeout(1800);
        var command = new Command("restore", "Restore a cluster in place to a point in time, an LSN or a backup") { name, ns, toTime, toLsn, toBackup, repo, yes, abort, wait, timeout };
        command.SetAction((r, cancel) => r.GetValue(abort)
            ? AbortAsync(context, r.GetValue(ns)!, r.GetValue(name)!, r.GetValue(toTime) ?? r.GetValue(toLsn) ?? r.GetValue(toBackup) ?? r.GetValue(repo), r.GetValue(wait), r.GetValue(timeout), cancel)
            : RunAsync(context, r.GetValue(ns)!, r.GetValue(name)!, r.GetValue(toTime), r.GetValue(toLsn), r.GetValue(toBackup), r.GetValue(repo), r.GetValue(yes), r.GetValue(wait), r.GetValue(timeout), cancel));
        return command;
    }

    /// <summary>The target the flags name, or the sentence saying what is wrong with them.</summary>
    public static (RestoreTarget? Target, string? Problem) Target(string? toTime, string? toLsn, string? toBackup)
    {
        var given = new[] { toTime, toLsn, toBackup }.Count(v => v is not null);
        if (given != 1)
        {
            return (null, "name exactly one target: --to-time \"2026-11-30 14:00:00+00\", --to-lsn 0/3000000 or --to-backup LABEL (`tusk get backups` lists the labels)");
        }

        if (toTime is not null)
        {
            return RestoreTarget.TryParseTime(toTime, out var time) ? (RestoreTarget.ToTime(time), null) : (null, $"--to-time: \"{toTime}\" is not a time; write it like \"2026-11-30 14:00:00+00\"");
        }

        if (toLsn is not null)
        {
            return RestoreTarget.IsLsn(toLsn) ? (RestoreTarget.ToLsn(toLsn), null) : (null, $"--to-lsn: \"{toLsn}\" is not an LSN; write it like 0/3000000");
        }

        return (RestoreTarget.ToBackup(toBackup!), null);
    }

    public static async Task<int> RunAsync(CliContext context, string ns, string name, string? toTime, string? toLsn, string? toBackup, string? repo, bool yes, bool wait, TimeSpan timeout, CancellationToken cancel)
    {
        var (target, problem) = Target(toTime, toLsn, toBackup);
        if (target is null)
        {
            await context.Err.WriteLineAsync($"error: {problem}");
            return ExitCodes.InvalidInput;
        }

        using var agent = await context.AgentAsync(cancel);
        if (agent is null)
        {
            return ExitCodes.Failed;
        }

        var cluster = await agent.GetAsync(ns, name, cancel);
        var response = await agent.RestoreAsync(ns, name, new([.. target.Options], repo, yes), cancel);
        if (!response.Ok)
        {
            await context.Err.WriteLineAsync(yes ? $"error: {response.Message}" : $"nothing changed: {response.Message}");
            return yes ? ExitCodes.Failed : ExitCodes.InvalidInput;
        }

        await context.Err.WriteLineAsync(response.Message);
        if (!wait)
        {
            return ExitCodes.Ok;
        }

        var startedAt = cluster?.Status?.Restore?.StartedAt;
        return await Progress.WaitUntilReadyAsync(context, agent, ns, name, 0, timeout, cancel,
            status => status.Restore is { Phase: Api.RestorePhases.Succeeded } done && done.StartedAt != startedAt);
    }

    /// <param name="target">Any target or repository given with --abort, which takes none.</param>
    public static async Task<int> AbortAsync(CliContext context, string ns, string name, string? target, bool wait, TimeSpan timeout, CancellationToken cancel)
    {
        if (target is not null)
        {
            await context.Err.WriteLineAsync("error: --abort takes no target or repository: it goes back to the data from before the restore");
            return ExitCodes.InvalidInput;
        }

        using var agent = await context.AgentAsync(cancel);
        if (agent is null)
        {
            return ExitCodes.Failed;
        }

        var response = await agent.RestoreAsync(ns, name, new([], null, Yes: false, Abort: true), cancel);
        await context.Err.WriteLineAsync(response.Ok ? response.Message : $"nothing changed: {response.Message}");
        if (!response.Ok || !wait)
        {
            return response.Ok ? ExitCodes.Ok : ExitCodes.Failed;
        }

        return await Progress.WaitUntilReadyAsync(context, agent, ns, name, 0, timeout, cancel,
            status => status.Restore is { Phase: Api.RestorePhases.Aborted });
    }
}
