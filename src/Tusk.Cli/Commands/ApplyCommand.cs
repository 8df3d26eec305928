using System.CommandLine;
using Tusk.Api;
using Tusk.Cli.Kubernetes;
using Tusk.Kubernetes.Client;
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
        var kube = new KubeOptions();
        kube.AddTo(command);
        command.SetAction(async (result, cancel) =>
            result.GetValue(checkImages) && await ImagePreflight.RunAsync(context, result.GetValue(file)!, result.GetValue(insecure)!, cancel) is var preflight && preflight != ExitCodes.Ok
                ? preflight
                : await kube.RunAsync(result, context,
                    target => OnKubernetesAsync(context, target, result.GetValue(file)!, result.GetValue(dryRun), result.GetValue(wait), result.GetValue(timeout), cancel),
                    () => RunAsync(context, result.GetValue(file)!, result.GetValue(dryRun), result.GetValue(wait), result.GetValue(timeout), cancel)));
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
        if (!await ReportAsync(context, response.Errors, response.Warnings))
        {
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

    /// <summary>
    /// On Kubernetes: the same checks as locally (except the machine's ports), then a
    /// server-side apply of each document as written; the operator does the rest, and --wait
    /// follows the status it writes.
    /// </summary>
    private static async Task<int> OnKubernetesAsync(CliContext context, KubeTarget target, string file, bool dryRun, bool wait, TimeSpan timeout, CancellationToken cancel)
    {
        if (await InputFile.ReadAsync(context, file, cancel) is not { } text)
        {
            return ExitCodes.InvalidInput;
        }

        var checkedClusters = ClusterManifest.Check(text, file == "-" ? "<stdin>" : file, localRuntime: false);
        if (!await ReportAsync(context, [.. checkedClusters.SelectMany(c => c.Errors).Select(p => p.ToString())], [.. checkedClusters.SelectMany(c => c.Warnings).Select(p => p.ToString())]))
        {
            return ExitCodes.InvalidInput;
        }

        var applied = new List<(string Namespace, string Name, long Generation)>();
        foreach (var document in KubeTarget.Documents(text))
        {
            var ns = document["metadata"]?["namespace"]?.GetValue<string>() ?? target.DefaultNamespace;
            var name = document["metadata"]!["name"]!.GetValue<string>();
            if (dryRun)
            {
                await context.Out.WriteLineAsync($"postgrescluster {ns}/{name} valid");
                continue;
            }

            try
            {
                var stored = await target.ApplyAsync(ns, document, cancel);
                applied.Add((ns, name, stored["metadata"]?["generation"]?.GetValue<long>() ?? 1));
                await context.Out.WriteLineAsync($"postgrescluster {ns}/{name} applied on {target.Server}");
            }
            catch (KubeApiException e)
            {
                await context.Err.WriteLineAsync($"error: {ns}/{name}: {e.Message}");
                return ExitCodes.Failed;
            }
        }

        var exit = ExitCodes.Ok;
        foreach (var (ns, name, generation) in wait ? applied : [])
        {
            exit = Math.Max(exit, await Progress.WaitUntilReadyAsync(context, c => target.GetAsync(ns, name, c), TimeSpan.FromSeconds(1), ns, name, generation, timeout, cancel));
        }

        return exit;
    }

    /// <summary>Prints warnings and errors; false (nothing may change) when there is an error.</summary>
    private static async Task<bool> ReportAsync(CliContext context, IReadOnlyList<string> errors, IReadOnlyList<string> warnings)
    {
        foreach (var line in warnings.Concat(errors))
        {
            await context.Err.WriteLineAsync(line);
        }

        if (errors.Count > 0)
        {
            await context.Err.WriteLineAsync($"error: {errors.Count} problem{(errors.Count == 1 ? "" : "s")} found; nothing was changed");
        }

        return errors.Count == 0;
    }
}
