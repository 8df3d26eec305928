using System.CommandLine;
using Tusk.Api;
using Tusk.Cli.Kubernetes;
using Tusk.Cli.Output;
using Tusk.Kubernetes.Builders;

namespace Tusk.Cli.Commands;

/// <summary>`tusk describe cluster NAME`: members, endpoints, users, conditions and the last error, for people.</summary>
public static class DescribeCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "The cluster's name" };
        var ns = Options.Namespace();
        var output = Options.Output();
        var cluster = new Command("cluster", "Show a cluster in detail") { name, ns, output };
        cluster.Aliases.Add("pgc");
        var kube = new KubeOptions();
        kube.AddTo(cluster);
        cluster.SetAction((result, cancel) => kube.RunAsync(result, context,
            target => OnKubernetesAsync(context, target, KubeOptions.Namespace(result, ns, target), result.GetValue(name)!, result.GetValue(output)!, cancel),
            () => RunAsync(context, result.GetValue(ns)!, result.GetValue(name)!, result.GetValue(output)!, cancel)));
        return new Command("describe", "Show a resource in detail") { cluster };
    }

    public static async Task<int> RunAsync(CliContext context, string ns, string name, string format, CancellationToken cancel)
    {
        var (cluster, exitCode) = await ClusterLookup.FindAsync(context, ns, name, cancel);
        if (cluster is null)
        {
            return exitCode;
        }

        if (OutputFormat.TryWriteStructured(context.Out, format, cluster, Json.Types.PostgresCluster))
        {
            return ExitCodes.Ok;
        }

        Write(context.Out, cluster, cluster.Spec.CustomTls?.Ca ?? context.Home.CaCertificate);
        return ExitCodes.Ok;
    }

    private static async Task<int> OnKubernetesAsync(CliContext context, KubeTarget target, string ns, string name, string format, CancellationToken cancel)
    {
        var (cluster, exitCode) = await ClusterLookup.FindAsync(context, target, ns, name, cancel);
        if (cluster is null)
        {
            return exitCode;
        }

        if (!OutputFormat.TryWriteStructured(context.Out, format, cluster, Json.Types.PostgresCluster))
        {
            Write(context.Out, cluster, $"Secret {ns}/{ObjectNames.RootCa}");
        }

        return ExitCodes.Ok;
    }

    /// <param name="ca">Where clients find the CA that signed the server certificates.</param>
    public static void Write(TextWriter o, PostgresCluster cluster, string ca)
    {
        var spec = cluster.Spec;
        var status = cluster.Status;
        var patroni = spec.Patroni!;
        o.WriteLine($"Name:        {cluster.Metadata.Name}");
        o.WriteLine($"Namespace:   {cluster.Metadata.Namespace}");
        o.WriteLine($"Phase:       {status?.Phase ?? ClusterPhases.Pending}");
        o.WriteLine($"Primary:     {status?.Primary ?? "-"}");
        var endpoints = status?.Endpoints ?? new Endpoints($"127.0.0.1:{spec.Port}", $"127.0.0.1:{spec.Port + 1}", spec.Proxy?.PgBouncer is { } p ? $"127.0.0.1:{p.Port}" : null);
        o.WriteLine($"Endpoints:   primary (read-write) {endpoints.Primary}   replicas (read-only) {endpoints.Replicas}{(endpoints.PgBouncer is { } pooler ? $"   pgbouncer (read-write, {spec.Proxy?.PgBouncer?.PoolMode} pooling) {pooler}" : "")}");
        o.WriteLine($"PostgreSQL:  {spec.PostgresVersion}   TLS on (CA {ca}{(spec.CustomTls is null ? "" : ", your own certificate")})");
        o.WriteLine($"Patroni:     lease {patroni.LeaderLeaseDurationSeconds}s, loop {patroni.SyncPeriodSeconds}s, synchronous mode {(patroni.SynchronousMode == true ? "on" : "off")}");
        if (spec.Shutdown == true)
        {
            o.WriteLine("Shutdown:    true (instances stopped, data kept)");
        }

        o.WriteLine();
        o.WriteLine("Members:");
        Table.Write(o, ["NAME", "SET", "ROLE", "STATE", "TIMELINE", "LAG", "PORT", "PID"], (status?.Instances ?? []).Select(i => (IReadOnlyList<string>)
        [
            i.Name, i.InstanceSet, i.Role, i.State, i.Timeline?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
            i.LagBytes is { } lag ? $"{lag} B" : "-", i.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            i.Pid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
        ]));
        if (status?.Instances.Any(i => i.MetricsUrl is not null) == true)
        {
            o.WriteLine();
            o.WriteLine("Metrics (postgres_exporter):");
            foreach (var instance in status.Instances.Where(i => i.MetricsUrl is not null))
            {
                o.WriteLine($"  {instance.Name}  {instance.MetricsUrl}");
            }
        }

        if (status?.Certificates is { Count: > 0 } certificates)
        {
            o.WriteLine();
            o.WriteLine("Certificates (renewed 7 days before expiry):");
            Table.Write(o, ["NAME", "SERIAL", "EXPIRES"], certificates.Select(c => (IReadOnlyList<string>)
            [
                c.Name, c.Serial, $"{c.NotAfter:yyyy-MM-dd HH:mm} UTC (in {Math.Max(0, (c.NotAfter - DateTimeOffset.UtcNow).TotalDays):0} days)",
            ]));
        }

        if (status?.Backups is { } backups)
        {
            o.WriteLine();
            o.WriteLine($"Backups (pgBackRest; archiving {(backups.ArchiveError is null ? "works" : $"FAILS: {backups.ArchiveError}")}):");
            Table.Write(o, ["REPO", "STATUS", "LAST FULL", "LAST DIFF", "LAST INCR", "NEXT"], backups.Repos.Select(r => (IReadOnlyList<string>)
            [
                r.Name, r.Message, When(r.LastFull), When(r.LastDifferential), When(r.LastIncremental),
                r.NextScheduled is { } next ? $"{next.Type} {next.At:yyyy-MM-dd HH:mm} UTC" : "-",
            ]));
            if (backups.Running is { } running)
            {
                o.WriteLine($"  running: {running.Type} backup to {running.Repo} ({running.Reason}) since {running.StartedAt:HH:mm:ss} UTC");
            }
            else if (backups.LastJob is { } last)
            {
                o.WriteLine($"  last job: {last.Message} at {last.FinishedAt:yyyy-MM-dd HH:mm:ss} UTC");
            }
        }

        if (status?.Restore is { } restore)
        {
            o.WriteLine();
            o.WriteLine($"Restore:     {restore.Phase}: {restore.Target}, started {restore.StartedAt:yyyy-MM-dd HH:mm:ss} UTC{(restore.Message is null ? "" : $"; {restore.Message}")}");
        }

        o.WriteLine();
        o.WriteLine("Users:");
        Table.Write(o, ["NAME", "DATABASES", "OPTIONS", "PASSWORD"], (spec.Users ?? []).Select(u => (IReadOnlyList<string>)
        [
            u.Name!, u.Databases is { Count: > 0 } d ? string.Join(",", d) : "-", string.IsNullOrEmpty(u.Options) ? "-" : u.Options,
            $"tusk show user {cluster.Metadata.Name} {u.Name} --show-password",
        ]));
        o.WriteLine();
        o.WriteLine("Conditions:");
        Table.Write(o, ["TYPE", "STATUS", "REASON", "MESSAGE"], (status?.Conditions ?? []).Select(c => (IReadOnlyList<string>)[c.Type, c.Status, c.Reason, c.Message]));
        if (status?.LastError is { } error)
        {
            o.WriteLine();
            o.WriteLine($"Last error:  {error}");
        }
    }

    private static string When(BackupRef? backup) => backup is null ? "-" : $"{backup.CompletedAt:yyyy-MM-dd HH:mm} {backup.Label}";
}
