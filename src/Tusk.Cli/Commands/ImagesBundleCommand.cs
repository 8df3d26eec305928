using System.CommandLine;
using Tusk.Images.Bundling;
using Tusk.Images.Mirroring;
using Tusk.Images.Registry;

namespace Tusk.Cli.Commands;

/// <summary>`tusk images bundle -o FILE.tar`: images into one OCI image layout archive, for machines without registry access.</summary>
public static class ImagesBundleCommand
{
    public static Command Create(CliContext context)
    {
        var selection = new ImageSelection();
        var file = new Option<string>("--output", "-o") { Description = "The archive to write (an OCI image layout in a tar file)", Required = true };
        var platform = new Option<string?>("--platform") { Description = "Store only this platform of multi-arch images (os/arch[/variant])" };
        var command = new Command("bundle", "Write images into an OCI image layout archive (skopeo copy oci-archive:FILE:REF, ctr images import, k3d image import read it)") { file, platform };
        selection.AddTo(command);
        command.SetAction(async (r, cancel) =>
        {
            var scope = MirrorScope.AllPlatforms;
            if (r.GetValue(platform) is { } written)
            {
                if (!Tusk.Images.Platform.TryParse(written, out var parsed))
                {
                    await context.Err.WriteLineAsync($"error: --platform \"{written}\" is not os/arch[/variant], e.g. linux/amd64");
                    return ExitCodes.InvalidInput;
                }

                scope = new MirrorScope(parsed);
            }

            var archive = Path.GetFullPath(r.GetValue(file)!);
            if (!Directory.Exists(Path.GetDirectoryName(archive)))
            {
                await context.Err.WriteLineAsync($"error: --output {r.GetValue(file)}: the directory {Path.GetDirectoryName(archive)} does not exist");
                return ExitCodes.InvalidInput;
            }

            var images = await selection.ResolveAsync(context, r, runAsNonRoot: false);
            var options = images is null ? null : await selection.RegistryOptionsAsync(context, r);
            if (images is null || options is null)
            {
                return ExitCodes.InvalidInput;
            }

            using var client = new RegistryClient(options);
            try
            {
                var result = await new ImageBundler(client).BundleAsync([.. images.Select(i => i.Reference)], scope, archive, cancel);
                await context.Out.WriteLineAsync($"wrote {result.Archive}: {result.Images} images ({scope}), {result.Blobs} blobs, {result.Bytes} bytes");
                foreach (var (reference, _) in images)
                {
                    await context.Out.WriteLineAsync($"  {reference}  (skopeo copy oci-archive:{result.Archive}:{reference} ...)");
                }

                return ExitCodes.Ok;
            }
            catch (RegistryException e)
            {
                await context.Err.WriteLineAsync($"error: {e.Message}; nothing was written to {archive}");
                return e.Unreachable ? ExitCodes.TimedOut : ExitCodes.Failed;
            }
        });
        return command;
    }
}
