using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Tusk.Tests.Images;

/// <summary>
/// A real registry holding test images (see <see cref="RegistryProcess"/>), shared by the test
/// classes of <see cref="SharedRegistry"/>. Images are built with umoci and pushed with skopeo,
/// all in repository tusk/app:
///   nonroot (amd64, user 999:999), root (amd64, no user), named (amd64, user postgres),
///   arm64 (arm64 only, 999:999), multi (an OCI index of amd64 and arm64, both 999:999),
///   pgaudit (amd64, 999:999, with /usr/lib/postgresql/16/lib/pgaudit.so in a second layer).
/// </summary>
public sealed class RegistryServer : IAsyncLifetime
{
    public const string Repository = "tusk/app";

    private readonly RegistryProcess _registry = new();

    public string Root => _registry.Root;
    public string Host => _registry.Host;
    public string Storage => _registry.Storage;

    /// <summary>What the registry logged so far, its access log included (one line per request).</summary>
    public string ReadLog() => _registry.ReadLog();
    public string Image(string tag, string repository = Repository) => $"{Host}/{repository}:{tag}";
    public string Layout => Path.Combine(Root, "layout");

    public async Task InitializeAsync()
    {
        try
        {
            await _registry.StartAsync();
            await BuildImagesAsync();
            foreach (var tag in new[] { "nonroot", "root", "named", "arm64", "pgaudit" })
            {
                await PushAsync(tag, tag);
            }

            await PushAsync("multi", "multi", all: true);
        }
        catch (Exception e)
        {
            var log = _registry.ReadLog();
            _registry.Dispose();
            throw new InvalidOperationException($"the test registry could not be prepared: {e.Message}\nregistry log:\n{log}", e);
        }
    }

    public Task DisposeAsync()
    {
        _registry.Dispose();
        return Task.CompletedTask;
    }

    private async Task BuildImagesAsync()
    {
        var content = Path.Combine(Root, "hello.txt");
        await File.WriteAllTextAsync(content, "hello from tusk\n");
        await ToolRunner.RunAsync("umoci", "init", "--layout", Layout);
        await NewImageAsync("nonroot", "amd64", "999:999", content);
        await NewImageAsync("root", "amd64", "", content);
        await NewImageAsync("named", "amd64", "postgres", content);
        await NewImageAsync("arm64", "arm64", "999:999", content);
        await NewImageAsync("multi-amd64", "amd64", "999:999", content);
        await NewImageAsync("multi-arm64", "arm64", "999:999", content);
        await NewImageAsync("pgaudit", "amd64", "999:999", content, library: "/usr/lib/postgresql/16/lib/pgaudit.so");
        AddIndex("multi", ("multi-amd64", "amd64"), ("multi-arm64", "arm64"));
    }

    private async Task NewImageAsync(string tag, string architecture, string user, string content, string? library = null)
    {
        var image = $"{Layout}:{tag}";
        await ToolRunner.RunAsync("umoci", "new", "--image", image);
        await ToolRunner.RunAsync("umoci", "insert", "--rootless", "--image", image, content, $"/{tag}.txt");
        if (library is not null)
        {
            await ToolRunner.RunAsync("umoci", "insert", "--rootless", "--image", image, content, library);
        }

        await ToolRunner.RunAsync("umoci", "config", "--image", image, "--architecture", architecture, "--os", "linux", "--config.user", user);
    }

    /// <summary>umoci makes one manifest per tag; a multi-arch index is written into the layout by hand.</summary>
    private void AddIndex(string tag, params (string Tag, string Architecture)[] members)
    {
        var indexFile = Path.Combine(Layout, "index.json");
        var layout = JsonNode.Parse(File.ReadAllText(indexFile))!;
        var manifests = layout["manifests"]!.AsArray();
        var children = new JsonArray();
        foreach (var (memberTag, architecture) in members)
        {
            var descriptor = manifests.Single(m => m!["annotations"]?["org.opencontainers.image.ref.name"]?.GetValue<string>() == memberTag)!;
            children.Add(new JsonObject
            {
                ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
                ["digest"] = descriptor["digest"]!.GetValue<string>(),
                ["size"] = descriptor["size"]!.GetValue<long>(),
                ["platform"] = new JsonObject { ["architecture"] = architecture, ["os"] = "linux" },
            });
        }

        var index = Encoding.UTF8.GetBytes(new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = "application/vnd.oci.image.index.v1+json", ["manifests"] = children }.ToJsonString());
        var hex = Convert.ToHexStringLower(SHA256.HashData(index));
        File.WriteAllBytes(Path.Combine(Layout, "blobs", "sha256", hex), index);
        manifests.Add(new JsonObject
        {
            ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["digest"] = "sha256:" + hex,
            ["size"] = index.Length,
            ["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = tag },
        });
        File.WriteAllText(indexFile, layout.ToJsonString());
    }

    /// <summary>Pushes a layout tag; without --all skopeo would push only the amd64 image of an index.</summary>
    public Task PushAsync(string layoutTag, string tag, bool all = false, string repository = Repository) =>
        all
            ? ToolRunner.RunAsync("skopeo", "copy", "--all", "--dest-tls-verify=false", $"oci:{Layout}:{layoutTag}", $"docker://{Image(tag, repository)}")
            : ToolRunner.RunAsync("skopeo", "copy", "--dest-tls-verify=false", $"oci:{Layout}:{layoutTag}", $"docker://{Image(tag, repository)}");
}
