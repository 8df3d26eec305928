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
        var cluster = new Command("cluster", "Write a manifest from flags and apply it") { name, ns, replicas, port, version, sync, dryRun, file, wait, timeout };
        cluster.SetAction((r, cancel) => RunAsync(
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

    public static async Task<int> RunAsync(CliContext context, string ns, string name, int replicas, int port, int version, bool sync, bool dryRun, string file, bool wait, TimeSpan timeout, CancellationToken cancel)
    {
        var manifest = Manifest(ns, name, replicas, port, version, sync);
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
