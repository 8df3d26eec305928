using System.CommandLine;
using Tusk.Images;
using Tusk.Images.Discovery;
using Tusk.Images.Registry;

namespace Tusk.Cli.Commands;

/// <summary>
/// What `images check` and `images mirror` share: the images to act on (arguments and -f
/// manifests) and how to reach registries (--insecure-registry, --timeout, the docker config).
/// </summary>
internal sealed class ImageSelection
{
    public Argument<string[]> Images { get; } = new("image") { Description = "Image references, e.g. busybox:1.36 or quay.io/argoproj/argocd:v2.13.1", Arity = ArgumentArity.ZeroOrMore };
    public Option<string[]> Files { get; } = ImagesCommand.Files(required: false);
    public Option<string[]> Insecure { get; } = new("--insecure-registry") { Description = "A registry (host:port as in image references) that serves plain HTTP; repeatable. Others use HTTPS only", DefaultValueFactory = _ => [] };
    public Option<TimeSpan> Timeout { get; } = Options.Timeout(10);
    public Option<string?> DockerConfig { get; } = new("--docker-config") { Description = "The docker config.json with registry credentials (default: $DOCKER_CONFIG/config.json, then ~/.docker/config.json)" };

    public ImageSelection() => Timeout.Description = "How long one registry request may take, e.g. 10s";

    public void AddTo(Command command)
    {
        command.Arguments.Add(Images);
        command.Options.Add(Files);
        command.Options.Add(Insecure);
        command.Options.Add(Timeout);
        command.Options.Add(DockerConfig);
    }

    /// <summary>The images with their uses, in first-met order; null (after saying why on standard error) when the input is bad.</summary>
    public async Task<IReadOnlyList<(ImageReference Reference, IReadOnlyList<ImageUse> Uses)>?> ResolveAsync(CliContext context, ParseResult r, bool runAsNonRoot)
    {
        var written = r.GetValue(Images) ?? [];
        var files = r.GetValue(Files) ?? [];
        if (written.Length == 0 && files.Length == 0)
        {
            await context.Err.WriteLineAsync("error: name images as arguments or give manifests with -f FILE|DIR");
            return null;
        }

        var uses = new List<ImageUse>();
        foreach (var text in written)
        {
            if (!ImageReference.TryParse(text, out var reference, out var error))
            {
                await context.Err.WriteLineAsync($"error: argument \"{text}\": {error}");
                return null;
            }

            uses.Add(new ImageUse
            {
                Image = reference.ToString(), Written = text, File = "command line", Line = 0, Owner = "the command line", Container = runAsNonRoot ? "(--run-as-non-root)" : "",
                PullPolicy = ImageUse.DefaultPullPolicy(reference), RunAsNonRoot = runAsNonRoot,
            });
        }

        if (files.Length > 0)
        {
            var inventory = await ImagesCommand.DiscoverAsync(context, files);
            if (inventory is null || inventory.Problems.Count > 0)
            {
                return null;
            }

            uses.AddRange(inventory.Uses);
        }

        return uses.GroupBy(u => u.Image, StringComparer.Ordinal)
            .Select(g => (ImageReference.Parse(g.Key), (IReadOnlyList<ImageUse>)g.ToList()))
            .ToList();
    }

    /// <summary>Registry options from the command line; null (after saying why) when the docker config cannot be read.</summary>
    public async Task<RegistryOptions?> RegistryOptionsAsync(CliContext context, ParseResult r, IEnumerable<string>? alsoInsecure = null)
    {
        try
        {
            return new RegistryOptions
            {
                Insecure = new HashSet<string>([.. r.GetValue(Insecure) ?? [], .. alsoInsecure ?? []], StringComparer.OrdinalIgnoreCase),
                Timeout = r.GetValue(Timeout),
                Credentials = RegistryCredentials.Load(r.GetValue(DockerConfig) ?? RegistryCredentials.DefaultPath()),
            };
        }
        catch (RegistryException e)
        {
            await context.Err.WriteLineAsync($"error: {e.Message}");
            return null;
        }
    }
}
