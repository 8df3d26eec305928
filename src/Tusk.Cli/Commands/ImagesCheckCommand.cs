using System.CommandLine;
using Tusk.Cli.Output;
using Tusk.Images;
using Tusk.Images.Checking;
using Tusk.Images.Registry;

namespace Tusk.Cli.Commands;

/// <summary>
/// `tusk images check`: one verdict per image from its registry. Exit 0 when every image passes,
/// 1 when at least one will not run, 3 when the only trouble is a registry that did not answer.
/// </summary>
public static class ImagesCheckCommand
{
    public static Command Create(CliContext context)
    {
        var selection = new ImageSelection();
        var platform = new Option<string>("--platform") { Description = "The nodes' platform, os/arch[/variant]", DefaultValueFactory = _ => Platform.LinuxAmd64.ToString() };
        var nonRoot = new Option<bool>("--run-as-non-root") { Description = "Check images named as arguments as pods with runAsNonRoot would run them (manifests say it themselves)" };
        var libraries = new Option<bool>("--libraries") { Description = "Stream the layers of images whose PostgresCluster preloads libraries (shared_preload_libraries) and look for each .so; slow, whole layers travel" };
        var parallel = new Option<int>("--parallel") { Description = "How many images to check at once", DefaultValueFactory = _ => 8 };
        var output = Options.Output();
        var command = new Command("check", "Ask each image's registry: exists, platform present, user accepted under runAsNonRoot. Exit 0 all pass, 1 some fail, 3 a registry did not answer") { platform, nonRoot, libraries, parallel, output };
        selection.AddTo(command);
        command.SetAction(async (r, cancel) =>
        {
            if (!Platform.TryParse(r.GetValue(platform), out var target))
            {
                await context.Err.WriteLineAsync($"error: --platform \"{r.GetValue(platform)}\" is not os/arch[/variant], e.g. linux/amd64 or linux/arm64");
                return ExitCodes.InvalidInput;
            }

            if (r.GetValue(parallel) < 1)
            {
                await context.Err.WriteLineAsync("error: --parallel must be 1 or more");
                return ExitCodes.InvalidInput;
            }

            var images = await selection.ResolveAsync(context, r, r.GetValue(nonRoot));
            var options = images is null ? null : await selection.RegistryOptionsAsync(context, r);
            if (images is null || options is null)
            {
                return ExitCodes.InvalidInput;
            }

            if (images.Count == 0 && r.GetValue(output) == "table")
            {
                await context.Out.WriteLineAsync("No images found: the manifests hold no pod template, helper pod ConfigMap or PostgresCluster.");
                return ExitCodes.Ok;
            }

            using var client = new RegistryClient(options);
            var results = await new ImageChecker(client, target, r.GetValue(parallel), r.GetValue(libraries)).CheckAsync(images, cancel);
            if (!OutputFormat.TryWriteStructured(context.Out, r.GetValue(output)!, results, Json.Types.IReadOnlyListImageCheckResult))
            {
                Write(context.Out, results);
            }

            return ExitCode(results);
        });
        return command;
    }

    public static int ExitCode(IReadOnlyList<ImageCheckResult> results) =>
        results.Any(c => !c.Passed && c.Verdict != ImageVerdict.Unreachable) ? ExitCodes.Failed
        : results.Any(c => c.Verdict == ImageVerdict.Unreachable) ? ExitCodes.TimedOut
        : ExitCodes.Ok;

    private static void Write(TextWriter output, IReadOnlyList<ImageCheckResult> results)
    {
        Table.Write(output, ["IMAGE", "VERDICT", "DETAIL"], results.Select(c => (IReadOnlyList<string>)[c.Image, ImageCheckResult.Words(c.Verdict), c.Message]));
        foreach (var c in results.Where(c => c.Notes.Count > 0 || !c.Passed))
        {
            foreach (var note in c.Notes)
            {
                output.WriteLine($"note: {c.Image}: {note}");
            }

            if (!c.Passed && c.UsedBy.Count > 0)
            {
                output.WriteLine($"{c.Image} is used by: {string.Join("; ", c.UsedBy)}");
            }
        }

        var failed = results.Count(c => !c.Passed);
        output.WriteLine(failed == 0 ? $"all {results.Count} images pass" : $"{failed} of {results.Count} images fail");
    }
}
