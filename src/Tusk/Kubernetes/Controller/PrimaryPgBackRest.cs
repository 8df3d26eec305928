using System.Net.WebSockets;
using Tusk.Kubernetes.Builders;
using Tusk.Kubernetes.Client;
using Tusk.Planning.Backups;

namespace Tusk.Kubernetes.Controller;

/// <summary>
/// pgBackRest where it can reach the data directory and the repositories: the pgbackrest
/// sidecar of the pod Patroni labelled leader, through pods/exec. The operator (stanza-create,
/// info), the backup Jobs and the CLI's `tusk get backups` all go this one way.
/// </summary>
public static class PrimaryPgBackRest
{
    /// <summary>The primary's pod: the instance pod Patroni labelled leader; null while there is none.</summary>
    public static async Task<string?> FindAsync(KubeClient client, string ns, string cluster, CancellationToken cancel)
    {
        var pods = await client.ListAsync(ApiResource.Pod, ns, $"{Labels.Cluster}={cluster},{Labels.InstanceSet},{Labels.Role}={Labels.RoleLeader}", cancel);
        return pods.Items.Select(p => p["metadata"]?["name"]?.GetValue<string>()).FirstOrDefault(n => n is not null);
    }

    /// <summary>`pgbackrest --stanza=db ARGS` in the pod's pgbackrest container; an exec the API server refuses is a failed result that says why.</summary>
    public static async Task<ExecResult> RunAsync(KubeClient client, string ns, string pod, IEnumerable<string> arguments, CancellationToken cancel)
    {
        try
        {
            return await client.ExecAsync(ns, pod, PgBackRestBuilder.Container, ["pgbackrest", $"--stanza={BackupPlan.Stanza}", .. arguments], cancel);
        }
        catch (WebSocketException e)
        {
            return new ExecResult(-1, "", $"could not exec into {ns}/{pod}: {e.Message}");
        }
    }

    /// <summary>pgBackRest's own last words when it failed, else its output.</summary>
    public static string Message(ExecResult result)
    {
        var text = (result.Stderr.Trim().Length > 0 ? result.Stderr : result.Stdout).Trim();
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? $"exit code {result.ExitCode}" : string.Join(" ", lines.TakeLast(3));
    }
}
