using System.Text.Json;
using Tusk.Cli;
using static Tusk.Tests.InProcessCli;

namespace Tusk.Tests.Images;

/// <summary>`images bundle` writes an OCI archive that skopeo reads back, image by image.</summary>
[Collection(SharedRegistry.Name)]
public class ImagesBundleTests(RegistryServer registry)
{
    [Fact]
    public async Task A_bundle_of_a_plain_and_a_multi_arch_image_is_read_by_skopeo()
    {
        var archive = Path.Combine(Directory.CreateTempSubdirectory("tusk-bundle-test-").FullName, "images.tar");
        var (code, output, error) = await RunAsync("images", "bundle", registry.Image("nonroot"), registry.Image("multi"), "-o", archive, "--insecure-registry", registry.Host);

        Assert.Equal("", error);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains($"wrote {archive}: 2 images (all platforms)", output);
        Assert.False(File.Exists(archive + ".partial"));

        using var plain = JsonDocument.Parse(await ToolRunner.RunAsync("skopeo", "inspect", $"oci-archive:{archive}:{registry.Image("nonroot")}"));
        var source = (await ToolRunner.RunAsync("skopeo", "inspect", "--tls-verify=false", "--format", "{{.Digest}}", $"docker://{registry.Image("nonroot")}")).Trim();
        Assert.Equal(source, plain.RootElement.GetProperty("Digest").GetString());
        Assert.Equal("amd64", plain.RootElement.GetProperty("Architecture").GetString());

        var index = JsonDocument.Parse(await ToolRunner.RunAsync("skopeo", "inspect", "--raw", $"oci-archive:{archive}:{registry.Image("multi")}"));
        Assert.Equal(2, index.RootElement.GetProperty("manifests").GetArrayLength());
        using var arm = JsonDocument.Parse(await ToolRunner.RunAsync("skopeo", "--override-arch", "arm64", "inspect", $"oci-archive:{archive}:{registry.Image("multi")}"));
        Assert.Equal("arm64", arm.RootElement.GetProperty("Architecture").GetString());
    }

    [Fact]
    public async Task A_missing_image_fails_and_leaves_no_archive()
    {
        var archive = Path.Combine(Directory.CreateTempSubdirectory("tusk-bundle-test-").FullName, "images.tar");
        var (code, _, error) = await RunAsync("images", "bundle", registry.Image("nonroot"), registry.Image("gone"), "-o", archive, "--insecure-registry", registry.Host);

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("MANIFEST_UNKNOWN", error);
        Assert.Contains("nothing was written", error);
        Assert.False(File.Exists(archive));
        Assert.False(File.Exists(archive + ".partial"));
    }
}
