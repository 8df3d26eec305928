using System.CommandLine;

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
        cluster.SetAction((result, cancel) => RunAsync(context, result.GetValue(ns)!, result.GetValue(name)!, result.GetValue(purge), result.GetValue(yes), Console.In, cancel));
        return new Command("delete", "Delete resources") { cluster };
    }

    public static async Task<int> RunAsync(CliContext context, string ns, string name, bool purge, bool yes, TextReader input, CancellationToken cancel)
    {
        if (!yes)
        {
            await context.Err.WriteAsync(purge
                ? $"Delete cluster {ns}/{name} and ALL its data? This cannot be undone. Type the cluster name to confirm: "
                : $"Stop and delete cluster {ns}/{name} (its data is kept)? Type the cluster name to confirm: ");
            var answer = await input.ReadLineAsync(cancel);
            if (answer?.Trim() != name)
            {
                await context.Err.WriteLineAsync("Not confirmed; nothing was changed. (Use --yes in scripts.)");
                return ExitCodes.InvalidInput;
            }
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
}
