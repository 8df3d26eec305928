using System.CommandLine;
using Tusk.Api;
using Tusk.Cli.Output;

namespace Tusk.Cli.Commands;

/// <summary>`tusk get clusters`: one line per cluster, or the full resources as JSON/YAML.</summary>
public static class GetCommand
{
    public static Command Create(CliContext context)
    {
        var output = Options.Output();
        var clusters = new Command("clusters", "List clusters with their phase, primary and endpoint") { output };
        clusters.Aliases.Add("cluster");
        clusters.Aliases.Add("pgc");
        clusters.SetAction((result, cancel) => RunAsync(context, result.GetValue(output)!, cancel));
        return new Command("get", "List resources") { clusters };
    }

    public static async Task<int> RunAsync(CliContext context, string format, CancellationToken cancel)
    {
        using var agent = await context.AgentAsync(cancel);
        if (agent is null)
        {
            return ExitCodes.Failed;
        }

        var clusters = await agent.ListAsync(cancel);
        if (OutputFormat.TryWriteStructured(context.Out, format, clusters))
        {
            return ExitCodes.Ok;
        }

        if (clusters.Count == 0)
        {
            await context.Out.WriteLineAsync("No clusters. Create one with `tusk apply -f examples/hippo.yaml` or `tusk create cluster hippo`.");
            return ExitCodes.Ok;
        }

        var now = DateTimeOffset.UtcNow;
        Table.Write(context.Out, ["NAMESPACE", "NAME", "PHASE", "PRIMARY", "READY", "ENDPOINT", "AGE"], clusters.Select(c => (IReadOnlyList<string>)
        [
            c.Metadata.Namespace ?? ClusterDefaults.Namespace,
            c.Metadata.Name ?? "",
            c.Status?.Phase ?? ClusterPhases.Pending,
            c.Status?.Primary ?? "-",
            Ready(c),
            c.Status?.Endpoints?.Primary ?? $"127.0.0.1:{c.Spec.Port}",
            Age.Since(c.Status?.CreatedAt, now),
        ]));
        return ExitCodes.Ok;
    }

    /// <summary>"3/3": members that are the running leader or a streaming replica, of all members.</summary>
    public static string Ready(PostgresCluster cluster)
    {
        var instances = cluster.Status?.Instances ?? [];
        var total = cluster.Spec.Instances?.Sum(i => i.Replicas ?? 0) ?? instances.Count;
        var ready = instances.Count(i => (i.Role == "leader" && i.State == "running") || i.State == "streaming");
        return $"{ready}/{total}";
    }
}
