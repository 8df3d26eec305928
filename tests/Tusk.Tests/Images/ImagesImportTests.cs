using Tusk.Cli;
using Tusk.Images.Bundling;
using static Tusk.Tests.InProcessCli;

namespace Tusk.Tests.Images;

/// <summary>`images import`: docker, k3d and kind are not installed on the test machines, so what is tested is the printed plan.</summary>
public class ImagesImportTests
{
    [Fact]
    public void The_k3d_plan_pulls_then_imports_and_verifies_in_the_server_node()
    {
        var commands = ImportPlan.Commands("k3d", "dev", ["docker.io/library/busybox:1.36", "docker.io/rancher/mirrored-library-busybox:1.36.1"]).Select(ImportPlan.ShellLine).ToList();

        Assert.Equal(
            [
                "docker pull docker.io/library/busybox:1.36",
                "docker pull docker.io/rancher/mirrored-library-busybox:1.36.1",
                "k3d image import --cluster dev docker.io/library/busybox:1.36 docker.io/rancher/mirrored-library-busybox:1.36.1",
            ],
            commands);
        Assert.Equal("docker exec k3d-dev-server-0 crictl images", ImportPlan.ShellLine(ImportPlan.Verify("k3d", "dev")));
        Assert.Equal("docker exec dev-control-plane crictl images", ImportPlan.ShellLine(ImportPlan.Verify("kind", "dev")));
        Assert.Equal("echo 'it'\\''s'", ImportPlan.ShellLine(["echo", "it's"]));
    }

    [Fact]
    public void Missing_tools_are_docker_its_engine_and_the_cluster_tool()
    {
        Assert.Equal(["docker", "k3d"], ImportPlan.MissingTools("k3d", _ => false, dockerEngine: false));
        Assert.Equal(["a docker engine (no /var/run/docker.sock, no DOCKER_HOST)"], ImportPlan.MissingTools("kind", _ => true, dockerEngine: false));
        Assert.Empty(ImportPlan.MissingTools("kind", _ => true, dockerEngine: true));
    }

    [Fact]
    public async Task With_docker_and_kind_not_on_PATH_the_exact_commands_are_printed_and_nothing_is_imported()
    {
        // An empty PATH for this one call stands for a machine without the tools (test parallelization is off).
        var path = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", Directory.CreateTempSubdirectory("tusk-empty-path-").FullName);
        (int Code, string Out, string Err) result;
        try
        {
            result = await RunAsync("images", "import", "--kind", "dev", "busybox:1.36", "--verify");
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }

        var (code, output, error) = result;

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("docker and kind are not installed here, so nothing was imported", error);
        Assert.Equal("docker pull docker.io/library/busybox:1.36\nkind load docker-image --name dev docker.io/library/busybox:1.36\ndocker exec dev-control-plane crictl images\n", output);
    }

    [Fact]
    public async Task Print_only_prints_and_succeeds_and_one_cluster_must_be_named()
    {
        Assert.Equal(ExitCodes.Ok, (await RunAsync("images", "import", "--k3d", "dev", "busybox:1.36", "--print")).Code);
        var (code, _, error) = await RunAsync("images", "import", "--k3d", "a", "--kind", "b", "busybox");
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("give exactly one of --k3d CLUSTER or --kind CLUSTER", error);
    }
}
