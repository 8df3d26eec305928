using System.Text.Json;
using Tusk.Cli;
using static Tusk.Tests.InProcessCli;

namespace Tusk.Tests.Images;

public class ImagesListCommandTests
{
    private static string Manifests => Path.Combine(AppContext.BaseDirectory, "Images", "Manifests");

    [Fact]
    public async Task The_table_lists_image_where_used_and_pull_policy()
    {
        var (code, output, error) = await RunAsync("images", "list", "-f", Path.Combine(Manifests, "local-path-storage.yaml"));

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("", error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("IMAGE", lines[0]);
        Assert.Contains("WHERE USED", lines[0]);
        Assert.Contains("PULL POLICY", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("docker.io/rancher/mirrored-library-busybox:1.36.1", StringComparison.Ordinal)
            && l.Contains("ConfigMap/local-path-storage/local-path-config data.helperPod.yaml container helper-pod (local-path-storage.yaml:96)", StringComparison.Ordinal)
            && l.EndsWith("IfNotPresent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Json_groups_uses_by_image_for_scripts()
    {
        var (code, output, _) = await RunAsync("images", "list", "-f", Manifests, "-o", "json");

        Assert.Equal(ExitCodes.InvalidInput, code); // hippo-related-images.yaml has no image without RELATED_IMAGE_*
        using var json = JsonDocument.Parse(output);
        var images = json.RootElement.EnumerateArray().Select(e => e.GetProperty("image").GetString()).ToList();
        Assert.Contains("docker.io/rancher/mirrored-library-busybox:1.36.1", images);
        Assert.Contains("registry.developers.crunchydata.com/crunchydata/crunchy-postgres:ubi8-15.1-0", images);
        var argocd = json.RootElement.EnumerateArray().Single(e => e.GetProperty("image").GetString() == "quay.io/argoproj/argocd:v2.13.1");
        Assert.Equal(5, argocd.GetProperty("uses").GetArrayLength());
        Assert.Equal(["IfNotPresent", "IfNotPresent", "Always", "Always", "IfNotPresent"], argocd.GetProperty("uses").EnumerateArray().Select(u => u.GetProperty("pullPolicy").GetString()));
    }

    [Fact]
    public async Task Tusks_own_install_manifests_name_the_operator_image()
    {
        var (code, output, error) = await RunAsync("images", "list", "-f", Repository.File("deploy"), "-o", "json");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("", error);
        using var json = JsonDocument.Parse(output);
        var operatorImage = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("docker.io/tusk/operator:latest", operatorImage.GetProperty("image").GetString());
        var use = Assert.Single(operatorImage.GetProperty("uses").EnumerateArray());
        Assert.Equal("Deployment/tusk-system/tusk-operator", use.GetProperty("owner").GetString());
        Assert.True(use.GetProperty("runAsNonRoot").GetBoolean());
    }

    [Fact]
    public async Task A_missing_path_is_refused_and_named()
    {
        var (code, output, error) = await RunAsync("images", "list", "-f", "/nonexistent/manifests");

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Equal("", output);
        Assert.Contains("error: /nonexistent/manifests: no such file or directory", error);
    }

    [Fact]
    public async Task Manifests_without_images_say_so_and_check_has_nothing_to_ask()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("tusk-images-").FullName, "service.yaml");
        await File.WriteAllTextAsync(file, "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n");

        var list = await RunAsync("images", "list", "-f", file);
        var check = await RunAsync("images", "check", "-f", file);

        Assert.Equal(ExitCodes.Ok, list.Code);
        Assert.StartsWith("No images found", list.Out);
        Assert.Equal(ExitCodes.Ok, check.Code);
        Assert.StartsWith("No images found", check.Out);
    }
}
