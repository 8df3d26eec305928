using System.Text.Json;
using Tusk.Cli;
using Tusk.Runtime.Local;
using static Tusk.Tests.InProcessCli;

namespace Tusk.Tests.Images;

/// <summary>`tusk images check` end to end: manifests in, one verdict per image and an exit code out.</summary>
[Collection(SharedRegistry.Name)]
public class ImagesCheckCommandTests(RegistryServer registry)
{
    private string WriteManifest()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("tusk-images-").FullName, "app.yaml");
        File.WriteAllText(file, $"""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {"{"}name: app, namespace: shop{"}"}
            spec:
              template:
                spec:
                  securityContext:
                    runAsNonRoot: true
                  initContainers:
                  - name: init
                    image: {registry.Image("named")}
                  containers:
                  - name: app
                    image: {registry.Image("multi")}
            """);
        return file;
    }

    [Fact]
    public async Task A_manifest_with_a_named_user_fails_with_exit_1_and_says_where_it_is_used()
    {
        var file = WriteManifest();
        var (code, output, error) = await RunAsync("images", "check", "-f", file, "--insecure-registry", registry.Host);

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Equal("", error);
        Assert.Contains(output.Split('\n'), l => l.StartsWith(registry.Image("multi"), StringComparison.Ordinal) && l.Contains("  ok  ", StringComparison.Ordinal));
        Assert.Contains(output.Split('\n'), l => l.StartsWith(registry.Image("named"), StringComparison.Ordinal) && l.Contains("non-numeric user", StringComparison.Ordinal));
        Assert.Contains($"{registry.Image("named")} is used by: Deployment/shop/app initContainer init (app.yaml:11)", output);
        Assert.Contains("1 of 2 images fail", output);
    }

    [Fact]
    public async Task Passing_images_exit_0_and_json_carries_verdicts_for_scripts()
    {
        var (code, output, _) = await RunAsync("images", "check", registry.Image("nonroot"), registry.Image("multi"), "--run-as-non-root", "--insecure-registry", registry.Host, "-o", "json");

        Assert.Equal(ExitCodes.Ok, code);
        using var json = JsonDocument.Parse(output);
        Assert.All(json.RootElement.EnumerateArray(), e => Assert.Equal("Ok", e.GetProperty("verdict").GetString()));
        Assert.Equal(2, json.RootElement.GetArrayLength());
    }

    [Fact]
    public async Task Only_an_unreachable_registry_exits_3()
    {
        var port = PortAllocator.FreePort(new HashSet<int>());
        var (code, output, _) = await RunAsync("images", "check", $"127.0.0.1:{port}/a/b:1", "--insecure-registry", $"127.0.0.1:{port}", "--timeout", "2s");

        Assert.Equal(ExitCodes.TimedOut, code);
        Assert.Contains("unreachable", output);
    }

    [Fact]
    public async Task Bad_input_changes_nothing_and_exits_2()
    {
        Assert.Equal(ExitCodes.InvalidInput, (await RunAsync("images", "check", "Not An Image")).Code);
        Assert.Equal(ExitCodes.InvalidInput, (await RunAsync("images", "check", "busybox", "--platform", "amd64")).Code);
        var (code, _, error) = await RunAsync("images", "check");
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("name images as arguments or give manifests with -f", error);
    }
}
