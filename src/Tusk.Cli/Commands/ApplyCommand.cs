using System.CommandLine;
using Tusk.Runtime.Local.Agent;

namespace Tusk.Cli.Commands;

/// <summary>`tusk apply -f FILE`: validate everything, store the specs, and (with --wait) show progress until ready.</summary>
public static class ApplyCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Option<string>("--filename", "-f") { Description = "Manifest file (YAML or JSON; several documents allowed), or - for standard input", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only validate; change nothing" };
        var wait = new Option<bool>("--wait") { Description = "Show progress and return once every cluster is ready" };
        var timeout = Options.Timeout(300);
        var checkImages = new Option<bool>("--check-images") { Description = "First ask the registries whether the manifest's images exist and can run (as `tusk images check`); a failing image stops the apply" };
        var insecure = new Option<string[]>("--insecure-registry") { Description = "With --check-images: a registry that serves plain HTTP (repeatable)", DefaultValueFactory = _ => [] };
        var command = new Command("apply", "Create or update clusters from a manifest") { file, dryRun, wait, timeout, checkImages, insecure };
        command.SetAction(async (result, cancel) =>
            result.GetValue(checkImages) && await ImagePreflight.RunAsync(context, result.GetValue(file)!, result.GetValue(insecure)!, cancel) is var preflight && preflight != ExitCodes.Ok
                ? preflight
                : await RunAsync(context, result.GetValue(file)!, result.GetValue(dryRun), result.GetValue(wait), result.GetValue(timeout), cancel));
        return command;
    }

    public static async Task<int> RunAsync(CliContext context, string file, bool dryRun, bool wait, TimeSpan timeout, CancellationToken cancel)
    {
        if (await InputFile.ReadAsync(context, file, cancel) is not { } text)
        {
            return ExitCodes.InvalidInput;
        }

        using var agent = await context.AgentAsync(cancel);
        if (agent is null)
        {
            return ExitCodes.Failed;
        }

        var response = await agent.ApplyAsync(new ApplyRequest(file == "-" ? "<stdin>" : file, text, dryRun), cancel);
        foreach (var warning in response.Warnings)
        {
            await context.Err.WriteLineAsync(warning);
        }

        if (!response.Ok)
        {
            foreach (var error in response.Errors)
            {
                await context.Err.WriteLineAsync(error);
            }

            await context.Err.WriteLineAsync($"error: {response.Errors.Count} problem{(response.Errors.Count == 1 ? "" : "s")} found; nothing was changed");
            return ExitCodes.InvalidInput;
        }

        foreach (var cluster in response.Clusters)
        {
            await context.Out.WriteLineAsync($"postgrescluster {cluster.Namespace}/{cluster.Name} {cluster.Result}");
        }

        if (!wait || dryRun)
        {
            return ExitCodes.Ok;
        }

        var exit = ExitCodes.Ok;
        foreach (var cluster in response.Clusters)
        {
            exit = Math.Max(exit, await Progress.WaitUntilReadyAsync(context, agent, cluster.Namespace, cluster.Name, cluster.Generation, timeout, cancel));
        }

        return exit;
    }
}
