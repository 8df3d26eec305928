using Tusk.Api;
using Tusk.Runtime.Local.Agent;

namespace Tusk.Cli.Commands;

/// <summary>Fetches one cluster from the agent, or says plainly that it does not exist.</summary>
public static class ClusterLookup
{
    public static async Task<PostgresCluster?> FindAsync(CliContext context, AgentClient agent, string ns, string name, CancellationToken cancel)
    {
        var cluster = await agent.GetAsync(ns, name, cancel);
        if (cluster is null)
        {
            await context.Err.WriteLineAsync($"error: there is no cluster {ns}/{name}; `tusk get clusters` lists them");
        }

        return cluster;
    }
}
