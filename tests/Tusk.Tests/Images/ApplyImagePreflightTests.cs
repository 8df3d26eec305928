using Tusk.Cli;
using Tusk.Runtime.Local;

namespace Tusk.Tests.Images;

/// <summary>`tusk apply --check-images` stops before the agent is asked anything when an image will not run.</summary>
[Collection(SharedRegistry.Name)]
public class ApplyImagePreflightTests(RegistryServer registry)
{
    [Fact]
    public async Task A_database_image_with_a_named_user_stops_the_apply_and_changes_nothing()
    {
        var directory = Directory.CreateTempSubdirectory("tusk-preflight-").FullName;
        var file = Path.Combine(directory, "hippo.yaml");
        await File.WriteAllTextAsync(file, $"""
            apiVersion: postgres-operator.crunchydata.com/v1beta1
            kind: PostgresCluster
            metadata:
              name: hippo
            spec:
              postgresVersion: 16
              image: {registry.Image("named")}
              instances:
                - name: instance1
            """);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var home = Path.Combine(directory, "home");

        var code = await CliApp.RunAsync(["apply", "-f", file, "--check-images", "--insecure-registry", registry.Host], new CliContext(output, error, new TuskHome(home)));

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Equal("", output.ToString());
        Assert.Contains($"error: image {registry.Image("named")}: non-numeric user: the image's USER is the name \"postgres\"", error.ToString());
        Assert.Contains("PostgresCluster/hippo database (from spec.image) (hippo.yaml:7)", error.ToString());
        Assert.Contains("error: 1 image will not run; nothing was changed", error.ToString());
        Assert.False(Directory.Exists(home)); // no agent was started, no state written
    }

    [Fact]
    public async Task Standard_input_cannot_be_checked_and_is_refused()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var home = Path.Combine(Directory.CreateTempSubdirectory("tusk-preflight-").FullName, "home");

        var code = await CliApp.RunAsync(["apply", "-f", "-", "--check-images"], new CliContext(output, error, new TuskHome(home)));

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("--check-images needs a manifest file, not standard input", error.ToString());
        Assert.False(Directory.Exists(home));
    }
}
