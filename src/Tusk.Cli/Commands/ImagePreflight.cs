using Tusk.Images;
using Tusk.Images.Checking;
using Tusk.Images.Discovery;
using Tusk.Images.Registry;

namespace Tusk.Cli.Commands;

/// <summary>
/// `tusk apply --check-images`: the `images check` verdicts for the manifest's images, before
/// anything is applied. A failing image stops the apply; a registry that does not answer is only
/// a warning, since the check can then prove nothing either way.
/// </summary>
public static class ImagePreflight
{
    public static async Task<int> RunAsync(CliContext context, string file, IReadOnlyCollection<string> insecure, CancellationToken cancel)
    {
        if (file == "-")
        {
            await context.Err.WriteLineAsync("error: --check-images needs a manifest file, not standard input (it is read twice); nothing was changed");
            return ExitCodes.InvalidInput;
        }

        var inventory = ImageDiscovery.FromPaths([file], ImageDiscovery.RelatedImagesFromEnvironment());
        if (inventory.Uses.Count == 0)
        {
            return ExitCodes.Ok; // the manifest's own problems are reported by apply itself
        }

        RegistryCredentials credentials;
        try
        {
            credentials = RegistryCredentials.Load(RegistryCredentials.DefaultPath());
        }
        catch (RegistryException e)
        {
            await context.Err.WriteLineAsync($"error: {e.Message}; nothing was changed");
            return ExitCodes.InvalidInput;
        }

        using var client = new RegistryClient(new RegistryOptions { Credentials = credentials, Insecure = new HashSet<string>(insecure, StringComparer.OrdinalIgnoreCase) });
        var images = inventory.Uses.GroupBy(u => u.Image, StringComparer.Ordinal)
            .Select(g => (ImageReference.Parse(g.Key), (IReadOnlyList<ImageUse>)g.ToList())).ToList();
        var results = await new ImageChecker(client, Platform.LinuxAmd64).CheckAsync(images, cancel);
        foreach (var result in results.Where(r => !r.Passed))
        {
            var severity = result.Verdict == ImageVerdict.Unreachable ? "warning" : "error";
            await context.Err.WriteLineAsync($"{severity}: image {result.Image}: {ImageCheckResult.Words(result.Verdict)}: {result.Message}");
        }

        var failed = results.Count(r => !r.Passed && r.Verdict != ImageVerdict.Unreachable);
        if (failed > 0)
        {
            await context.Err.WriteLineAsync($"error: {failed} image{(failed == 1 ? "" : "s")} will not run; nothing was changed (details: tusk images check -f {file})");
            return ExitCodes.Failed;
        }

        return ExitCodes.Ok;
    }
}
