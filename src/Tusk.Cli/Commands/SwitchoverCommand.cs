using System.CommandLine;

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
        command.SetAction((result, cancel) => RunAsync(context, result.GetValue(ns)!, result.GetValue(name)!, result.GetValue(to), failover: false, cancel));
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
}
