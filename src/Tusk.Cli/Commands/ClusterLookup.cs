using Tusk.Api;
using Tusk.Cli.Kubernetes;

namespace Tusk.Cli.Commands;

/// <summary>Fetches one cluster from the agent (started on demand), or says plainly why it cannot.</summary>
public static class ClusterLookup
{
    /// <returns>The cluster, or null with the exit code to return: Failed when no agent runs, NotFound when there is no such cluster.</returns>
    public static async Task<(PostgresCluster? Cluster, int ExitCode)> FindAsync(CliContext context, string ns, string name, CancellationToken cancel)
    {
        using var agent = await context.AgentAsync(cancel);
        if (agent is null)
        {
            return (null, ExitCodes.Failed);
        }

        var cluster = await agent.GetAsync(ns, name, cancel);
        if (cluster is null)
        {
            await context.Err.WriteLineAsync($"error: there is no cluster {ns}/{name}; `tusk get clusters` lists them");
            return (null, ExitCodes.NotFound);
        }

        return (cluster, ExitCodes.Ok);
    }

    /// <summary>The same on Kubernetes: the resource from the API server.</summary>
    public static async Task<(PostgresCluster? Cluster, int ExitCode)> FindAsync(CliContext context, KubeTarget target, string ns, string name, CancellationToken cancel)
    {
        if (await target.GetAsync(ns, name, cancel) is { } cluster)
        {
            return (cluster, ExitCodes.Ok);
        }

        await context.Err.WriteLineAsync(Missing(target, ns, name));
        return (null, ExitCodes.NotFound);
    }

    public static string Missing(KubeTarget target, string ns, string name) =>
        $"error: there is no PostgresCluster {ns}/{name} on {target.Server}; `tusk get clusters --context ...` lists them";
}
