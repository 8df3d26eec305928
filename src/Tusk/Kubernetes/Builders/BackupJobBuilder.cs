using System.Globalization;
using System.Text.Json.Nodes;
using Tusk.Planning.Backups;

namespace Tusk.Kubernetes.Builders;

/// <summary>
/// A backup as a batch/v1 Job, as PGO runs them: a pod of the operator's image, under the
/// cluster's &lt;c&gt;-pgbackrest account, runs `tusk operator run-backup`, which finds the
/// primary and runs pgBackRest's backup in its pgbackrest sidecar (pods/exec), where the data
/// directory and the repositories are. The Job is the record: Kubernetes keeps its pod's log,
/// its start and end, and whether it succeeded. The operator decides when one runs (a manual
/// trigger, or a schedule through the shared <see cref="BackupSchedule"/>), never a CronJob.
/// </summary>
public static class BackupJobBuilder
{
    public const string Role = "backup";
    public const string RepoLabel = "tusk.dev/repo";
    public const string TypeLabel = "tusk.dev/backup-type";
    public const string ReasonLabel = "tusk.dev/backup-reason";

    /// <summary>A scheduled run's slot (Unix seconds), so the operator knows which slots ran.</summary>
    public const string SlotAnnotation = "tusk.dev/backup-slot";

    /// <param name="pullPolicy">The operator pod's own pull policy for its image (null: Kubernetes' default).</param>
    public static JsonObject Build(BuildRequest r, string operatorImage, string? pullPolicy, BackupJobSpec spec)
    {
        var labels = Labels.For(r.Name, role: Role);
        labels[RepoLabel] = spec.Repo;
        labels[TypeLabel] = spec.Type;
        labels[ReasonLabel] = spec.Reason;
        var metadata = Meta.Owned(r, spec.Name, labels);
        if (spec.Slot is { } slot)
        {
            metadata["annotations"] = new JsonObject { [SlotAnnotation] = slot.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) };
        }

        var security = PodSecurity.Pod();
        // The operator's image runs as its own numeric user; no volume needs fsGroup.
        security.Remove("runAsUser");
        security.Remove("runAsGroup");
        security.Remove("fsGroup");
        security.Remove("fsGroupChangePolicy");
        var container = new JsonObject
        {
            ["name"] = "pgbackrest",
            ["image"] = operatorImage,
            ["command"] = new JsonArray("tusk", "operator", "run-backup", r.Name, "--namespace", r.Namespace, "--repo", spec.Repo, "--type", spec.Type),
            ["env"] = new JsonArray(StatefulSetBuilder.Env("DOTNET_EnableDiagnostics", "0")),
            ["securityContext"] = PodSecurity.Container(),
            // A failed run's last log lines become its pod's termination message, which the operator reports.
            ["terminationMessagePolicy"] = "FallbackToLogsOnError",
            ["resources"] = new JsonObject
            {
                ["requests"] = new JsonObject { ["cpu"] = "10m", ["memory"] = "32Mi" },
                ["limits"] = new JsonObject { ["memory"] = "128Mi" },
            },
        };
        if (pullPolicy is not null)
        {
            container["imagePullPolicy"] = pullPolicy;
        }

        var job = Meta.Object("batch/v1", "Job", metadata);
        job["spec"] = new JsonObject
        {
            // pgBackRest resumes or restarts a failed backup itself; one retry covers a lost pod.
            ["backoffLimit"] = 1,
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = labels.DeepClone() },
                ["spec"] = new JsonObject
                {
                    ["serviceAccountName"] = ObjectNames.PgBackRest(r.Name),
                    ["automountServiceAccountToken"] = true,
                    ["enableServiceLinks"] = false,
                    ["restartPolicy"] = "Never",
                    ["securityContext"] = security,
                    ["containers"] = new JsonArray(container),
                },
            },
        };
        return job;
    }

    /// <summary>The Job of a manual trigger: the same trigger value always names the same Job, so it runs once.</summary>
    public static string ManualName(string cluster, string trigger) =>
        $"{cluster}-backup-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(trigger)))[..8]}";

    /// <summary>The Job of a schedule's slot, e.g. hippo-repo1-full-202611300100.</summary>
    public static string ScheduledName(string cluster, string repo, string type, DateTimeOffset slot) =>
        $"{cluster}-{repo}-{type}-{slot.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture)}";
}
