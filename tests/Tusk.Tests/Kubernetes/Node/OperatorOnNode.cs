using System.Text.RegularExpressions;

namespace Tusk.Tests.Kubernetes.Node;

/// <summary>
/// The Tusk operator installed on a real node (<see cref="KubeNode"/>) the way a user installs
/// it: the two images built from this repository by scripts/kube-images.sh (the database image
/// from Debian's packages, the operator image from this code), imported into the node's
/// containerd, then `kubectl apply -k deploy/` and the Deployment's rollout.
/// </summary>
public sealed partial class OperatorOnNode : IAsyncLifetime
{
    public KubeNode Node { get; } = new();

    public async Task InitializeAsync()
    {
        await Node.InitializeAsync();
        try
        {
            var built = await ToolRunner.RunAsync(Repository.File("scripts/kube-images.sh"), "build", Path.Combine(Node.Root, "images"));
            var archives = Archive().Matches(built).Select(m => m.Value).Distinct(StringComparer.Ordinal).ToArray();
            Assert.True(archives.Length == 2, $"scripts/kube-images.sh printed no two archives:\n{built}");
            await Node.ImportAsync(archives);
            await Node.KubectlAsync("apply", "-k", Repository.File("deploy"));
            await Node.KubectlAsync("-n", "tusk-system", "rollout", "status", "deployment/tusk-operator", "--timeout=180s");
        }
        catch (Exception e)
        {
            var diagnostics = await Node.DumpDiagnosticsAsync();
            await Node.DisposeAsync();
            throw new InvalidOperationException($"installing the operator on the node failed: {e.Message}\n{diagnostics}", e);
        }
    }

    public Task DisposeAsync() => Node.DisposeAsync();

    [GeneratedRegex(@"/\S+\.tar\b")]
    private static partial Regex Archive();
}
