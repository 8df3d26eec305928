using System.CommandLine;
using Tusk.Cli.Output;
using Tusk.Images.Discovery;

namespace Tusk.Cli.Commands;

/// <summary>
/// `tusk images`: know every image a set of manifests (or a PostgresCluster) will run, prove
/// each can be pulled and run before anything is deployed, and copy them where the cluster can reach them.
/// </summary>
public static class ImagesCommand
{
    public static Command Create(CliContext context) => new("images", "Find the images manifests use, check them against their registries, mirror or bundle them, and import them into k3d or kind")
    {
        List(context),
        ImagesCheckCommand.Create(context),
        ImagesMirrorCommand.Create(context),
        ImagesBundleCommand.Create(context),
        ImagesImportCommand.Create(context),
    };

    /// <summary>-f, repeatable: files or directories (searched recursively) of Kubernetes manifests or PostgresClusters.</summary>
    internal static Option<string[]> Files(bool required = true) => new("--filename", "-f")
    {
        Description = "A manifest file or a directory (searched recursively for .yaml, .yml, .json); repeatable",
        Required = required,
        DefaultValueFactory = _ => [],
        AllowMultipleArgumentsPerToken = false,
    };

    private static Command List(CliContext context)
    {
        var files = Files();
        var output = Options.Output();
        var command = new Command("list", "List every image the manifests use: IMAGE WHERE-USED PULL-POLICY (RELATED_IMAGE_* variables give a PostgresCluster's defaults)") { files, output };
        command.Aliases.Add("ls");
        command.SetAction(async (r, cancel) =>
        {
            var inventory = await DiscoverAsync(context, r.GetValue(files)!);
            if (inventory is null)
            {
                return ExitCodes.InvalidInput;
            }

            var format = r.GetValue(output)!;
            var summaries = ImageSummary.Of(inventory);
            if (!OutputFormat.TryWriteStructured(context.Out, format, summaries, Json.Types.IReadOnlyListImageSummary))
            {
                if (summaries.Count == 0)
                {
                    await context.Out.WriteLineAsync("No images found: the manifests hold no pod template, helper pod ConfigMap or PostgresCluster.");
                }
                else
                {
                    Table.Write(context.Out, ["IMAGE", "WHERE USED", "PULL POLICY"], inventory.Uses
                        .OrderBy(u => u.Image, StringComparer.Ordinal)
                        .Select(u => (IReadOnlyList<string>)[u.Image, u.Where, u.PullPolicy]));
                }
            }

            return inventory.Problems.Count > 0 ? ExitCodes.InvalidInput : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Reads the paths and reports every problem (file:line) on standard error; null when a path does not exist.</summary>
    internal static async Task<ImageInventory?> DiscoverAsync(CliContext context, string[] paths)
    {
        var missing = paths.Where(p => !File.Exists(p) && !Directory.Exists(p)).ToList();
        foreach (var path in missing)
        {
            await context.Err.WriteLineAsync($"error: {path}: no such file or directory");
        }

        if (missing.Count > 0)
        {
            return null;
        }

        var inventory = ImageDiscovery.FromPaths(paths, ImageDiscovery.RelatedImagesFromEnvironment());
        foreach (var problem in inventory.Problems)
        {
            await context.Err.WriteLineAsync($"{problem}");
        }

        return inventory;
    }
}
