using System.CommandLine;
using Tusk.Runtime.Local.Agent;
using Tusk.Runtime.Local.Processes;

namespace Tusk.Cli.Commands;

/// <summary>`tusk agent start|stop|status|run`: the local runtime's daemon (the CLI also starts it on demand).</summary>
public static class AgentCommand
{
    public static Command Create(CliContext context)
    {
        var start = new Command("start", "Start the agent in the background");
        start.SetAction(async (_, cancel) =>
        {
            using var agent = await context.AgentAsync(cancel);
            if (agent is null)
            {
                return ExitCodes.Failed;
            }

            await context.Out.WriteLineAsync($"agent running (state directory {context.Home.Root})");
            return ExitCodes.Ok;
        });

        var all = new Option<bool>("--all") { Description = "Also stop every cluster and etcd (data is kept; the next start brings them back)" };
        var stop = new Command("stop", "Stop the agent; clusters keep running unless --all") { all };
        stop.SetAction(async (result, cancel) =>
        {
            var stopAll = result.GetValue(all);
            using var agent = new AgentClient(context.Home);
            if (!await agent.IsRunningAsync(cancel))
            {
                // Clusters outlive the agent; stopping them all needs an agent that adopts them first.
                if (!stopAll || !Directory.Exists(context.Home.ClustersDirectory))
                {
                    await context.Out.WriteLineAsync("agent is not running");
                    return ExitCodes.Ok;
                }

                if (!await agent.EnsureRunningAsync(cancel))
                {
                    await context.Err.WriteLineAsync($"error: the Tusk agent did not start; its log is {context.Home.AgentLog}");
                    return ExitCodes.Failed;
                }
            }

            var pid = File.Exists(context.Home.AgentPidFile) && int.TryParse(File.ReadAllText(context.Home.AgentPidFile), out var p) ? p : (int?)null;
            var response = await agent.ShutdownAsync(stopAll, cancel);

            // "stopped" means the process is gone, not that it agreed to go.
            if (response.Ok && pid is { } agentPid)
            {
                await Signals.WaitForExitAsync(agentPid, TimeSpan.FromSeconds(15), cancel);
            }

            await context.Out.WriteLineAsync(response.Message);
            return response.Ok ? ExitCodes.Ok : ExitCodes.Failed;
        });

        var status = new Command("status", "Say whether the agent runs");
        status.SetAction(async (_, cancel) =>
        {
            using var agent = new AgentClient(context.Home);
            var running = await agent.IsRunningAsync(cancel);
            await context.Out.WriteLineAsync(running
                ? $"agent running, pid {File.ReadAllText(context.Home.AgentPidFile).Trim()}, state directory {context.Home.Root}, log {context.Home.AgentLog}"
                : $"agent not running (state directory {context.Home.Root})");
            return running ? ExitCodes.Ok : ExitCodes.NotFound;
        });

        var metrics = new Command("metrics", "Print the agent's Prometheus metrics (reconciles, errors, durations; per cluster and instance: ready, up, role, lag, timeline)");
        metrics.SetAction(async (_, cancel) =>
        {
            using var agent = await context.AgentAsync(cancel);
            if (agent is null)
            {
                return ExitCodes.Failed;
            }

            await context.Out.WriteAsync(await agent.MetricsAsync(cancel));
            return ExitCodes.Ok;
        });

        var run = new Command("run", "Run the agent in the foreground (what `start` runs)");
        run.SetAction(async (_, cancel) =>
        {
            if (!await AgentHost.RunAsync(context.Home, cancel))
            {
                await context.Err.WriteLineAsync($"error: another agent already runs for {context.Home.Root}; `tusk agent status` shows it, `tusk agent stop` stops it");
                return ExitCodes.Failed;
            }

            return ExitCodes.Ok;
        });

        return new Command("agent", "Manage the local agent") { start, stop, status, metrics, run };
    }
}
