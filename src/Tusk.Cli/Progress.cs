using System.Diagnostics;
using Tusk.Api;
using Tusk.Runtime.Local.Agent;

namespace Tusk.Cli;

/// <summary>Follows a cluster's status until it is ready, printing each new step as one line (works in a terminal and in CI logs).</summary>
public static class Progress
{
    /// <param name="done">What must hold besides Ready (e.g. a restore has finished); null: Ready is enough.</param>
    public static Task<int> WaitUntilReadyAsync(CliContext context, AgentClient agent, string ns, string name, long generation, TimeSpan timeout, CancellationToken cancel, Func<ClusterStatus, bool>? done = null) =>
        FollowUntilReadyAsync(context, agent.Follow(ns, name), ns, name, generation, timeout, done, cancel);

    /// <param name="get">Reads the cluster from the API server, where the operator writes its status.</param>
    /// <param name="every">How often to read it.</param>
    public static Task<int> WaitUntilReadyAsync(CliContext context, Func<CancellationToken, Task<PostgresCluster?>> get, TimeSpan every, string ns, string name, long generation, TimeSpan timeout, CancellationToken cancel)
    {
        var first = true;
        return FollowUntilReadyAsync(context, async c =>
        {
            if (!first)
            {
                await Task.Delay(every, c);
            }

            first = false;
            return await get(c);
        }, ns, name, generation, timeout, done: null, cancel);
    }

    /// <param name="next">Reads the cluster again, paced by itself: it returns when there may be something new.</param>
    private static async Task<int> FollowUntilReadyAsync(CliContext context, Func<CancellationToken, Task<PostgresCluster?>> next, string ns, string name, long generation, TimeSpan timeout, Func<ClusterStatus, bool>? done, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        string? last = null;
        PostgresCluster? cluster = null;
        while (clock.Elapsed < timeout)
        {
            cluster = await next(cancel);
            var status = cluster?.Status;
            var ready = status?.Conditions.FirstOrDefault(c => c.Type == "Ready");
            var line = status is null ? "waiting for the first reconcile" : $"{status.Phase}: {ready?.Message}";
            if (line != last)
            {
                await context.Err.WriteLineAsync($"  {clock.Elapsed.TotalSeconds,5:0.0}s  {name}  {line}");
                last = line;
            }

            if (status?.Restore is { Phase: RestorePhases.Failed } failed)
            {
                await context.Err.WriteLineAsync($"error: the restore of {ns}/{name} failed: {failed.Message}");
                return ExitCodes.Failed;
            }

            if (status?.Phase == ClusterPhases.Ready && status.ObservedGeneration >= generation && (done?.Invoke(status) ?? true))
            {
                await context.Err.WriteLineAsync($"{ns}/{name} is ready after {clock.Elapsed.TotalSeconds:0.0}s");
                return ExitCodes.Ok;
            }

            if (status?.Phase == ClusterPhases.Stopped && status.ObservedGeneration >= generation)
            {
                await context.Err.WriteLineAsync($"{ns}/{name} is stopped (spec.shutdown is true)");
                return ExitCodes.Ok;
            }
        }

        await context.Err.WriteLineAsync($"error: {ns}/{name} was not ready after {timeout.TotalSeconds:0}s" +
            (cluster?.Status?.LastError is { } error ? $": {error}" : $"; `tusk describe cluster {name}` and `tusk logs {name}` show why"));
        return ExitCodes.TimedOut;
    }
}
