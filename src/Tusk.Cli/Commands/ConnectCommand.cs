using System.CommandLine;
using System.Diagnostics;
using Tusk.Runtime.Local;
using Tusk.Security;

namespace Tusk.Cli.Commands;

/// <summary>
/// `tusk connect CLUSTER`: psql through the primary endpoint with TLS verified against Tusk's CA.
/// The password reaches psql through a temporary 0600 passfile, never its arguments.
/// </summary>
public static class ConnectCommand
{
    public static Command Create(CliContext context)
    {
        var clusterName = new Argument<string>("cluster") { Description = "The cluster's name" };
        var ns = Options.Namespace();
        var user = new Option<string?>("--user", "-u") { Description = "Connect as this user (default: the spec's first user)" };
        var replicas = new Option<bool>("--replicas") { Description = "Connect to the read-only replicas endpoint" };
        var command = new Command("connect", "Open psql on a cluster") { clusterName, ns, user, replicas };
        command.SetAction((result, cancel) => RunAsync(context, result.GetValue(ns)!, result.GetValue(clusterName)!, result.GetValue(user), result.GetValue(replicas), cancel));
        return command;
    }

    public static async Task<int> RunAsync(CliContext context, string ns, string name, string? userName, bool replicas, CancellationToken cancel)
    {
        var (cluster, exitCode) = await ClusterLookup.FindAsync(context, ns, name, cancel);
        if (cluster is null)
        {
            return exitCode;
        }

        var user = userName is null ? cluster.Spec.Users!.First() : cluster.Spec.Users!.FirstOrDefault(u => u.Name == userName);
        var password = user is null ? null : new SecretStore(new ClusterDirectory(context.Home.ClusterDirectory(ns, name))).ReadUser(user.Name!);
        if (user is null || password is null)
        {
            await context.Err.WriteLineAsync($"error: no password for user \"{userName}\" in {name}; `tusk describe cluster {name}` lists its users");
            return ExitCodes.NotFound;
        }

        var port = cluster.Spec.Port!.Value + (replicas ? 1 : 0);
        var database = user.Databases is { Count: > 0 } d ? d[0] : "postgres";
        var passfile = Path.Combine(Path.GetTempPath(), $"tusk-pgpass-{Guid.NewGuid():N}");
        SecretFile.Write(passfile, $"127.0.0.1:{port}:*:{user.Name}:{password.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(":", "\\:", StringComparison.Ordinal)}\n");
        try
        {
            var info = new ProcessStartInfo("psql") { UseShellExecute = false };
            info.ArgumentList.Add($"host=127.0.0.1 port={port} user={user.Name} dbname={database} sslmode=verify-full sslrootcert={cluster.Spec.CustomTls?.Ca ?? context.Home.CaCertificate}");
            info.Environment["PGPASSFILE"] = passfile;
            using var psql = Process.Start(info)!;
            await psql.WaitForExitAsync(cancel);
            return psql.ExitCode;
        }
        finally
        {
            File.Delete(passfile);
        }
    }
}
