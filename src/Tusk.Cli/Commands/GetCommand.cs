using System.CommandLine;
using Tusk.Api;
using Tusk.Cli.Kubernetes;
using Tusk.Cli.Output;

namespace Tusk.Cli.Commands;

/// <summary>`tusk get clusters` and `tusk get backups CLUSTER`: one line each, or JSON/YAML for scripts.</summary>
public static class GetCommand
{
    public static Command Create(CliContext context)
    {
        var output = Options.Output();
        var clusters = new Command("clusters", "List clusters with their phase, primary and endpoint") { output };
        clusters.Aliases.Add("cluster");
        clusters.Aliases.Add("pgc");
        var kube = new KubeOptions();
        kube.AddTo(clusters);
        clusters.SetAction((result, cancel) => kube.RunAsync(result, context,
            async target => await WriteAsync(context, await target.ListAsync(cancel), result.GetValue(output)!, $"No clusters on {target.Server}. Create one with `tusk apply -f examples/hippo.yaml --context ...`."),
            () => RunAsync(context, result.GetValue(output)!, cancel)));

        var cluster = new Argument<string>("cluster") { Description = "The cluster's name" };
        var ns = Options.Namespace();
        var backupsOutput = Options.Output();
        var backups = new Command("backups", "List a cluster's pgBackRest backups in every repository") { cluster, ns, backupsOutput };
        backups.Aliases.Add("backup");
        var kubeBackups = new KubeOptions();
        kubeBackups.AddTo(backups);
        backups.SetAction((result, cancel) => kubeBackups.RunAsync(result, context,
            async target =>
            {
                var (list, problem) = await target.BackupsAsync(KubeOptions.Namespace(result, ns, target), result.GetValue(cluster)!, cancel);
                return await WriteBackupsAsync(context, result.GetValue(cluster)!, list, problem, result.GetValue(backupsOutput)!);
            },
            () => BackupsAsync(context, result.GetValue(ns)!, result.GetValue(cluster)!, result.GetValue(backupsOutput)!, cancel)));
        return new Command("get", "List resources") { clusters, backups };
    }

    public static async Task<int> BackupsAsync(CliContext context, string ns, string name, string format, CancellationToken cancel)
    {
        using var agent = await context.AgentAsync(cancel);
        if (agent is null)
        {
            return ExitCodes.Failed;
        }

        var (backups, message) = await agent.ListBackupsAsync(ns, name, cancel);
        return await WriteBackupsAsync(context, name, backups, message, format);
    }

    /// <summary>The same table (or JSON/YAML) for backups read by the agent or on the primary's pod.</summary>
    private static async Task<int> WriteBackupsAsync(CliContext context, string name, IReadOnlyList<BackupRecord>? backups, string? message, string format)
    {
        if (backups is null)
        {
            await context.Err.WriteLineAsync($"error: {message}");
            return ExitCodes.Failed;
        }

        if (OutputFormat.TryWriteStructured(context.Out, format, backups, Json.Types.IReadOnlyListBackupRecord))
        {
            return ExitCodes.Ok;
        }

        if (backups.Count == 0)
        {
            await context.Out.WriteLineAsync($"No backups of {name} yet. Take one with `tusk backup {name} --wait`.");
            return ExitCodes.Ok;
        }

        Table.Write(context.Out, ["LABEL", "TYPE", "REPO", "STARTED", "FINISHED", "SIZE", "REPO SIZE", "WAL START", "WAL STOP"], backups.Select(b => (IReadOnlyList<string>)
        [
            b.Label,
            b.Type,
            b.Repo,
            b.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
            b.StoppedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
            Bytes(b.Size),
            Bytes(b.RepoSize),
            b.WalStart ?? "-",
            b.WalStop ?? "-",
        ]));
        return ExitCodes.Ok;
    }

    private static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0}GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0}MiB",
        >= 1L << 10 => $"{bytes / (double)(1L << 10):0.0}KiB",
        _ => $"{bytes}B",
    };

    public static async Task<int> RunAsync(CliContext context, string format, CancellationToken cancel)
    {
        using var agent = await context.AgentAsync(cancel);
        if (agent is null)
        {
            return ExitCodes.Failed;
        }

        return await WriteAsync(context, await agent.ListAsync(cancel), format, "No clusters. Create one with `tusk apply -f examples/hippo.yaml` or `tusk create cluster hippo`.");
    }

    /// <summary>The same table (or JSON/YAML) for clusters from the agent or from the API server.</summary>
    private static async Task<int> WriteAsync(CliContext context, IReadOnlyList<PostgresCluster> clusters, string format, string none)
    {
        if (OutputFormat.TryWriteStructured(context.Out, format, clusters, Json.Types.IReadOnlyListPostgresCluster))
        {
            return ExitCodes.Ok;
        }

        if (clusters.Count == 0)
        {
            await context.Out.WriteLineAsync(none);
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
