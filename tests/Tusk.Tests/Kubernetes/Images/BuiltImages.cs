using System.Formats.Tar;
using System.Text.Json.Nodes;

namespace Tusk.Tests.Kubernetes.Images;

/// <summary>
/// Tusk's two images as scripts/kube-images.sh builds them (from its cache under
/// /var/cache/tusk/images when nothing changed; a cold build takes minutes), each read back
/// from its docker-archive tarball: the tarball's RepoTags, the image configuration, and the
/// image unpacked by umoci into a runtime bundle that <see cref="RuncContainer"/> runs.
/// </summary>
public sealed class BuiltImages : IAsyncLifetime
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("tusk-kube-images-");

    public BuiltImage Postgres { get; private set; } = null!;
    public BuiltImage Operator { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var output = Path.Combine(_root.FullName, "out");
        var printed = await ToolRunner.RunAsync(Repository.File("scripts/kube-images.sh"), "build", output);
        var paths = printed.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([Path.Combine(output, "tusk-postgres-15.tar"), Path.Combine(output, "tusk-operator.tar")], paths);
        Postgres = await ReadAsync(paths[0], "postgres");
        Operator = await ReadAsync(paths[1], "operator");
    }

    private async Task<BuiltImage> ReadAsync(string tarball, string name)
    {
        var layout = Path.Combine(_root.FullName, $"{name}-oci");
        var bundle = Path.Combine(_root.FullName, $"{name}-bundle");
        // What the node's `ctr images import` reads: the docker-archive, converted back to OCI here.
        await ToolRunner.RunAsync("skopeo", "copy", "--quiet", $"docker-archive:{tarball}", $"oci:{layout}:{name}");
        await ToolRunner.RunAsync("umoci", "unpack", "--image", $"{layout}:{name}", bundle);
        var config = JsonNode.Parse(await ToolRunner.RunAsync("skopeo", "inspect", "--config", $"docker-archive:{tarball}"))!["config"]!;
        return new BuiltImage(tarball, RepoTags(tarball), config.AsObject(), bundle);
    }

    /// <summary>The names the tarball gives its image (manifest.json's RepoTags), as the node imports them.</summary>
    private static List<string> RepoTags(string tarball)
    {
        using var reader = new TarReader(File.OpenRead(tarball));
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.Name == "manifest.json")
            {
                var manifest = JsonNode.Parse(entry.DataStream!)!.AsArray();
                return [.. manifest.SelectMany(m => m!["RepoTags"]!.AsArray().Select(t => t!.GetValue<string>()))];
            }
        }

        throw new InvalidOperationException($"{tarball}: no manifest.json (not a docker-archive)");
    }

    public Task DisposeAsync()
    {
        _root.Delete(recursive: true);
        return Task.CompletedTask;
    }
}
