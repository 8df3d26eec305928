using System.CommandLine;
using Tusk.Cli.Output;
using Tusk.Images;
using Tusk.Images.Discovery;
using Tusk.Images.Mirroring;
using Tusk.Images.Registry;

namespace Tusk.Cli.Commands;

/// <summary>
/// `tusk images mirror --to REGISTRY`: copy images into a registry the cluster can reach, blob by
/// blob, skipping what is already there; then print the rewritten references for the operator
/// (RELATED_IMAGE_*) and for kustomize (images:).
/// </summary>
public static class ImagesMirrorCommand
{
    /// <summary>What -o json prints.</summary>
    public sealed record Report(IReadOnlyList<MirrorResult> Mirrored, IReadOnlyList<string> Failed, string RelatedImages, string Kustomize);

    public static Command Create(CliContext context)
    {
        var selection = new ImageSelection();
        var to = new Option<string>("--to") { Description = "The registry to copy into, host[:port] (the repository paths are kept)", Required = true };
        var insecure = new Option<bool>("--insecure") { Description = "The --to registry serves plain HTTP" };
        var platform = new Option<string?>("--platform") { Description = "Copy only this platform of multi-arch images (os/arch[/variant]); its manifest takes the tag" };
        var all = new Option<bool>("--all-platforms") { Description = "Copy every platform and the index (the default)" };
        var output = Options.Output();
        var command = new Command("mirror", "Copy images into another registry through the Registry API (blobs already there are skipped) and print RELATED_IMAGE_* and kustomize images: for the copies") { to, insecure, platform, all, output };
        selection.AddTo(command);
        command.SetAction(async (r, cancel) =>
        {
            var registry = r.GetValue(to)!.Trim().TrimEnd('/');
            if (registry.Length == 0 || registry.Contains('/', StringComparison.Ordinal) || registry.Contains("://", StringComparison.Ordinal))
            {
                await context.Err.WriteLineAsync($"error: --to \"{r.GetValue(to)}\" is not a registry; write host or host:port, e.g. registry.local:5000");
                return ExitCodes.InvalidInput;
            }

            var scope = MirrorScope.AllPlatforms;
            if (r.GetValue(platform) is { } written)
            {
                if (r.GetValue(all))
                {
                    await context.Err.WriteLineAsync("error: --platform and --all-platforms exclude each other; give one");
                    return ExitCodes.InvalidInput;
                }

                if (!Platform.TryParse(written, out var parsed))
                {
                    await context.Err.WriteLineAsync($"error: --platform \"{written}\" is not os/arch[/variant], e.g. linux/amd64");
                    return ExitCodes.InvalidInput;
                }

                scope = new MirrorScope(parsed);
            }

            var images = await selection.ResolveAsync(context, r, runAsNonRoot: false);
            var options = images is null ? null : await selection.RegistryOptionsAsync(context, r, r.GetValue(insecure) ? [registry] : []);
            if (images is null || options is null)
            {
                return ExitCodes.InvalidInput;
            }

            using var client = new RegistryClient(options);
            var mirror = new ImageMirror(client);
            var results = new List<MirrorResult>();
            var failed = new List<string>();
            var format = r.GetValue(output)!;
            foreach (var (reference, _) in images)
            {
                try
                {
                    var result = await mirror.MirrorAsync(reference, registry, scope, cancel);
                    results.Add(result);
                    if (format == "table")
                    {
                        await context.Out.WriteLineAsync($"{result.Source} -> {result.Target}: {result.BlobsCopied} blobs copied ({Bytes(result.BytesCopied)}), {result.BlobsPresent} already present, {result.Manifests} manifests written");
                    }
                }
                catch (RegistryException e)
                {
                    failed.Add(reference.ToString());
                    await context.Err.WriteLineAsync($"error: {reference}: {e.Message}");
                }
            }

            List<ImageUse> uses = [.. images.SelectMany(i => i.Uses)];
            var report = new Report(results, failed, MirrorOutput.RelatedImages(results, uses), MirrorOutput.Kustomize(results, uses));
            if (!OutputFormat.TryWriteStructured(context.Out, format, report, CliJson.Default.Report))
            {
                await context.Out.WriteLineAsync($"mirrored {results.Count} of {images.Count} images ({scope}): {results.Sum(m => m.BlobsCopied)} blobs copied ({Bytes(results.Sum(m => m.BytesCopied))}), {results.Sum(m => m.BlobsPresent)} already present");
                if (results.Count > 0)
                {
                    await context.Out.WriteLineAsync("\n# the operator's environment (RELATED_IMAGE_*):");
                    await context.Out.WriteAsync(report.RelatedImages);
                    await context.Out.WriteLineAsync("\n# kustomization.yaml:");
                    await context.Out.WriteAsync(report.Kustomize);
                }
            }

            return failed.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static string Bytes(long bytes) => bytes < 1024 ? $"{bytes} B" : bytes < 1024 * 1024 ? $"{bytes / 1024.0:0.0} KiB" : $"{bytes / 1024.0 / 1024.0:0.0} MiB";
}
