using Tusk.Cli;
using Tusk.Images;
using Tusk.Images.Checking;
using Tusk.Images.Discovery;
using Tusk.Images.Mirroring;
using Tusk.Images.Registry;
using Tusk.Runtime.Local;

namespace Tusk.Tests.Images;

/// <summary>`images mirror` from the shared registry into a second, empty docker-registry started per test.</summary>
[Collection(SharedRegistry.Name)]
public sealed class ImageMirrorTests(RegistryServer source) : IAsyncLifetime
{
    private readonly RegistryProcess _target = new();

    public Task InitializeAsync() => _target.StartAsync();

    public Task DisposeAsync()
    {
        _target.Dispose();
        return Task.CompletedTask;
    }

    private RegistryClient Client() => new(new RegistryOptions { Insecure = new HashSet<string> { source.Host, _target.Host } });

    [Fact]
    public async Task A_multi_arch_image_is_copied_whole_and_the_second_run_copies_nothing()
    {
        using var client = Client();
        var mirror = new ImageMirror(client);
        var image = ImageReference.Parse(source.Image("multi"));

        var first = await mirror.MirrorAsync(image, _target.Host, MirrorScope.AllPlatforms, CancellationToken.None);
        var second = await mirror.MirrorAsync(image, _target.Host, MirrorScope.AllPlatforms, CancellationToken.None);

        Assert.Equal($"{_target.Host}/{RegistryServer.Repository}:multi", first.Target);
        Assert.Equal(4, first.BlobsCopied); // per platform: a config and a layer
        Assert.True(first.BytesCopied > 0);
        Assert.Equal(3, first.Manifests); // two platform manifests and the index
        Assert.Equal(0, second.BlobsCopied);
        Assert.Equal(0, second.BytesCopied);
        Assert.Equal(4, second.BlobsPresent);

        // The copy is the same image: the same index bytes (so the same digest), as skopeo reads them.
        var manifestAt = async (string host) => (await ToolRunner.RunAsync("skopeo", "inspect", "--raw", "--tls-verify=false", $"docker://{host}/{RegistryServer.Repository}:multi")).Trim();
        Assert.Equal(await manifestAt(source.Host), await manifestAt(_target.Host));
        var check = await new ImageChecker(client, new Platform("linux", "arm64")).CheckAsync([(ImageReference.Parse(first.Target), [])], CancellationToken.None);
        Assert.Equal(ImageVerdict.Ok, Assert.Single(check).Verdict);
    }

    [Fact]
    public async Task One_platform_of_an_index_is_copied_as_a_plain_image_under_the_tag()
    {
        using var client = Client();
        var result = await new ImageMirror(client).MirrorAsync(ImageReference.Parse(source.Image("multi")), _target.Host, new MirrorScope(new Platform("linux", "arm64")), CancellationToken.None);

        Assert.Equal(2, result.BlobsCopied);
        Assert.Equal(1, result.Manifests);
        var check = await new ImageChecker(client, new Platform("linux", "arm64")).CheckAsync([(ImageReference.Parse(result.Target), [])], CancellationToken.None);
        Assert.Equal(["linux/arm64"], Assert.Single(check).Platforms);
    }

    [Fact]
    public async Task A_missing_source_image_fails_and_writes_nothing()
    {
        using var client = Client();
        var e = await Assert.ThrowsAsync<RegistryException>(() => new ImageMirror(client).MirrorAsync(ImageReference.Parse(source.Image("gone")), _target.Host, MirrorScope.AllPlatforms, CancellationToken.None));

        Assert.Contains("MANIFEST_UNKNOWN", e.Message);
        var tags = await client.TagsAsync(_target.Host, RegistryServer.Repository, CancellationToken.None);
        Assert.Equal("NAME_UNKNOWN", tags.ErrorCode);
    }

    [Fact]
    public async Task The_command_mirrors_manifest_images_and_prints_related_images_and_a_kustomize_patch()
    {
        var directory = Directory.CreateTempSubdirectory("tusk-mirror-").FullName;
        var file = Path.Combine(directory, "cluster.yaml");
        await File.WriteAllTextAsync(file, $"""
            apiVersion: postgres-operator.crunchydata.com/v1beta1
            kind: PostgresCluster
            metadata: {"{"}name: hippo{"}"}
            spec:
              postgresVersion: 16
              image: {source.Image("nonroot")}
              backups:
                pgbackrest:
                  image: {source.Image("multi")}
            """);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CliContext(output, error, new TuskHome(directory));

        var code = await CliApp.RunAsync(["images", "mirror", "-f", file, "--to", _target.Host, "--insecure", "--insecure-registry", source.Host], context);
        var again = await CliApp.RunAsync(["images", "mirror", "-f", file, "--to", _target.Host, "--insecure", "--insecure-registry", source.Host], context);

        Assert.Equal("", error.ToString());
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal(ExitCodes.Ok, again);
        var text = output.ToString();
        Assert.Contains("mirrored 2 of 2 images (all platforms): 6 blobs copied", text);
        Assert.Contains("mirrored 2 of 2 images (all platforms): 0 blobs copied (0 B), 6 already present", text);
        Assert.Contains($"RELATED_IMAGE_POSTGRES_16={_target.Host}/{RegistryServer.Repository}:nonroot\n", text);
        Assert.Contains($"RELATED_IMAGE_PGBACKREST={_target.Host}/{RegistryServer.Repository}:multi\n", text);
        Assert.Contains($"images:\n- name: {source.Host}/{RegistryServer.Repository}\n  newName: {_target.Host}/{RegistryServer.Repository}\n", text);
    }

    [Fact]
    public void Kustomize_names_images_as_they_are_written_and_related_images_fall_back_to_the_repository_name()
    {
        MirrorResult[] results = [new("docker.io/library/busybox:1.36", "reg.local:5000/library/busybox:1.36", 1, 1, 0, 1)];
        ImageUse[] uses =
        [
            new() { Image = "docker.io/library/busybox:1.36", Written = "busybox:1.36", File = "a.yaml", Line = 1, Owner = "Pod/a", Container = "container a", PullPolicy = "IfNotPresent" },
            new() { Image = "docker.io/library/busybox:1.36", Written = "docker.io/library/busybox:1.36", File = "b.yaml", Line = 1, Owner = "Pod/b", Container = "container b", PullPolicy = "IfNotPresent" },
        ];

        Assert.Equal("images:\n- name: busybox\n  newName: reg.local:5000/library/busybox\n- name: docker.io/library/busybox\n  newName: reg.local:5000/library/busybox\n", MirrorOutput.Kustomize(results, uses));
        Assert.Equal("RELATED_IMAGE_BUSYBOX=reg.local:5000/library/busybox:1.36\n", MirrorOutput.RelatedImages(results, uses));
        Assert.Equal("localhost:5000/a", MirrorOutput.NameOf("localhost:5000/a@sha256:" + new string('1', 64)));
    }
}
