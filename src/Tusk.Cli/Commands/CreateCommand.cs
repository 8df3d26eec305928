using System.CommandLine;
using System.Globalization;
using Tusk.Api;

namespace Tusk.Cli.Commands;

/// <summary>
/// `tusk create cluster NAME`: pgo-style flags in, a manifest out. The manifest is written to a
/// file (so it can be kept in git and applied again) and then applied like any other.
/// </summary>
public static class CreateCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "The cluster's name" };
        var ns = Options.Namespace();
        var replicas = new Option<int>("--replicas") { Description = "Number of instances", DefaultValueFactory = _ => 3 };
        var port = new Option<int>("--port") { Description = "Primary endpoint port (replicas endpoint: the next one)", DefaultValueFactory = _ => ClusterDefaults.Port };
        var version = new Option<int>("--postgres-version") { Description = "PostgreSQL major version", DefaultValueFactory = _ => ClusterDefaults.PostgresVersion };
        var sync = new Option<bool>("--sync") { Description = "Synchronous mode: no acknowledged commit is lost on failover" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the manifest; write and apply nothing" };
        var file = new Option<string?>("--file") { Description = "Where to write the manifest (default: NAME.yaml in the current directory)" };
        var wait = new Option<bool>("--wait") { Description = "Show progress and return once the cluster is ready" };
        var timeout = Options.Timeout(300);
        var from = new Option<string?>("--from") { Description = "Clone this cluster (same namespace) from its backups: its PostgreSQL version and users are copied; the clone gets its own port, certificates and passwords" };
        var toTime = new Option<string?>("--to-time") { Description = "With --from: replay the source's WAL up to this time (default: everything archived)" };
        var repo = new Option<string?>("--repo") { Description = "With --from: the source repository to read (default: its first)" };
        var cluster = new Command("cluster", "Write a manifest from flags and apply it") { name, ns, replicas, port, version, sync, dryRun, file, wait, timeout, from, toTime, repo };
        cluster.SetAction(async (r, cancel) => r.GetValue(from) is { } source
            ? await CloneAsync(context, r, ns, name, replicas, port, source, r.GetValue(toTime), r.GetValue(repo), dryRun, file, wait, timeout, cancel)
            : await RunAsync(
            context,
            r.GetValue(ns)!,
            r.GetValue(name)!,
            r.GetValue(replicas),
            r.GetValue(port),
            r.GetValue(version),
            r.GetValue(sync),
            r.GetValue(dryRun),
            r.GetValue(file) ?? $"{r.GetValue(name)}.yaml",
            r.GetValue(wait),
            r.GetValue(timeout),
            cancel));
        return new Command("create", "Create resources from flags") { cluster };
    }

    /// <summary>`--from SOURCE`: the source's version, users and repository names, and spec.dataSource naming it; the port must be given, since the source's is taken.</summary>
    private static async Task<int> CloneAsync(CliContext context, ParseResult r, Option<string> ns, Argument<string> name, Option<int> replicas, Option<int> port, string source, string? toTime, string? repo, Option<bool> dryRun, Option<string?> file, Option<bool> wait, Option<TimeSpan> timeout, CancellationToken cancel)
    {
        if (r.GetResult(port) is null or { Implicit: true })
        {
            await context.Err.WriteLineAsync($"error: a clone needs a port of its own: add --port (the source {source} keeps its own)");
            return ExitCodes.InvalidInput;
        }

        var target = "";
        if (toTime is not null)
        {
            // The same reading of --to-time as `tusk restore`.
            var (restoreTarget, problem) = RestoreCommand.Target(toTime, null, null);
            if (restoreTarget is null)
            {
                await context.Err.WriteLineAsync($"error: {problem}");
                return ExitCodes.InvalidInput;
            }

            target = string.Concat(restoreTarget.Options.Select(o => $"\n        - \"{o}\""));
        }

        var (original, exit) = await ClusterLookup.FindAsync(context, r.GetValue(ns)!, source, cancel);
        if (original is null)
        {
            return exit;
        }

        var users = string.Concat((original.Spec.Users ?? []).Select(u =>
            $"\n    - name: {u.Name}\n      databases: [{string.Join(", ", u.Databases ?? [])}]" + (u.Options is { Length: > 0 } options ? $"\n      options: \"{options}\"" : "")));
        // The clone archives into repositories of its own (same names, its own directories), never into the source's.
        var repos = string.Concat((original.Spec.Backups?.Pgbackrest?.Repos ?? []).Select(repo => $"\n        - name: {repo.Name}"));
        var backups = repos.Length == 0 ? "" : $"\n  backups:\n    pgbackrest:\n      repos:{repos}";
        var extra = $"""
              users:{users}{backups}
              dataSource:
                postgresCluster:
                  clusterName: {source}{(repo is null ? "" : $"\n      repoName: {repo}")}
                  options:{(target.Length == 0 ? " []" : target)}

            """;
        var outFile = r.GetValue(file) ?? $"{r.GetValue(name)}.yaml";
        return await RunAsync(context, r.GetValue(ns)!, r.GetValue(name)!, r.GetValue(replicas), r.GetValue(port), original.Spec.PostgresVersion ?? ClusterDefaults.PostgresVersion, original.Spec.Patroni?.SynchronousMode ?? false, r.GetValue(dryRun), outFile, r.GetValue(wait), r.GetValue(timeout), cancel, extra);
    }

    public static async Task<int> RunAsync(CliContext context, string ns, string name, int replicas, int port, int version, bool sync, bool dryRun, string file, bool wait, TimeSpan timeout, CancellationToken cancel, string extra = "")
    {
        var manifest = Manifest(ns, name, replicas, port, version, sync) + extra;
        var problems = ClusterManifest.Check(manifest, "(flags)").SelectMany(c => c.Errors).ToList();
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                await context.Err.WriteLineAsync(problem.ToString().Replace("(flags):", "", StringComparison.Ordinal));
            }

            return ExitCodes.InvalidInput;
        }

        if (dryRun)
        {
            await context.Out.WriteAsync(manifest);
            return ExitCodes.Ok;
        }

        if (File.Exists(file) && await File.ReadAllTextAsync(file, cancel) != manifest)
        {
            await context.Err.WriteLineAsync($"error: {file} exists and differs; apply it with `tusk apply -f {file}`, or choose another path with --file");
            return ExitCodes.InvalidInput;
        }

        await File.WriteAllTextAsync(file, manifest, cancel);
        await context.Err.WriteLineAsync($"wrote {file}");
        return await ApplyCommand.RunAsync(context, file, dryRun: false, wait, timeout, cancel);
    }

    /// <summary>The manifest, with only what the flags set; everything else is defaulted and documented in docs/resource.md.</summary>
    public static string Manifest(string ns, string name, int replicas, int port, int version, bool sync) =>
        string.Create(CultureInfo.InvariantCulture, $"""
        apiVersion: {ApiVersions.Tusk}
        kind: {ApiVersions.Kind}
        metadata:
          name: {name}
          namespace: {ns}
        spec:
          postgresVersion: {version}
          port: {port}
          instances:
            - name: {ClusterDefaults.InstanceSetName}
              replicas: {replicas}
          patroni:
            synchronousMode: {(sync ? "true" : "false")}

        """);
}
