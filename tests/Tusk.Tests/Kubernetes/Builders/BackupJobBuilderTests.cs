using System.Text.Json.Nodes;
using Tusk.Kubernetes.Builders;
using Tusk.Kubernetes.Controller;

namespace Tusk.Tests.Kubernetes.Builders;

/// <summary>Backup Jobs on Kubernetes: the Job's shape and account, their names, and which Job the operator starts when (manual trigger, schedules).</summary>
public sealed class BackupJobBuilderTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 29, 10, 30, 0, TimeSpan.Zero);

    private static JsonObject Resource(string? trigger = null, string? repo = null)
    {
        var annotations = new JsonObject();
        if (trigger is not null)
        {
            annotations[KubeBackups.TriggerAnnotation] = trigger;
        }

        if (repo is not null)
        {
            annotations[KubeBackups.RepoAnnotation] = repo;
        }

        return new JsonObject { ["metadata"] = new JsonObject { ["name"] = "hippo", ["creationTimestamp"] = Created.ToString("O"), ["annotations"] = annotations } };
    }

    private static JsonObject ExistingJob(BackupJobSpec spec) => BackupJobBuilder.Build(BuildRequests.From(BuildRequests.HippoWithSidecars), "tusk/operator:1", null, spec);

    [Fact]
    public void A_backup_job_runs_the_operators_image_and_pull_policy_hardened_under_the_clusters_pgbackrest_account()
    {
        var r = BuildRequests.From(BuildRequests.HippoWithSidecars);
        var job = BackupJobBuilder.Build(r, "tusk/operator:1", "IfNotPresent", new BackupJobSpec("hippo-backup-0123abcd", "repo2", "diff", "manual"));

        Assert.Equal("batch/v1", job["apiVersion"]!.GetValue<string>());
        Assert.Equal("hippo", job["metadata"]!["ownerReferences"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("backup", job["metadata"]!["labels"]![Labels.Role]!.GetValue<string>());
        var pod = job["spec"]!["template"]!["spec"]!;
        Assert.Equal("hippo-pgbackrest", pod["serviceAccountName"]!.GetValue<string>());
        Assert.Equal("Never", pod["restartPolicy"]!.GetValue<string>());
        Assert.True(pod["securityContext"]!["runAsNonRoot"]!.GetValue<bool>());
        Assert.Null(pod["securityContext"]!["runAsUser"]);
        var container = Assert.Single(pod["containers"]!.AsArray())!;
        Assert.Equal("tusk/operator:1", container["image"]!.GetValue<string>());
        Assert.Equal("IfNotPresent", container["imagePullPolicy"]!.GetValue<string>());
        Assert.Equal(["tusk", "operator", "run-backup", "hippo", "--namespace", r.Namespace, "--repo", "repo2", "--type", "diff"],
            container["command"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.True(container["securityContext"]!["readOnlyRootFilesystem"]!.GetValue<bool>());
        Assert.Equal("FallbackToLogsOnError", container["terminationMessagePolicy"]!.GetValue<string>());
    }

    [Fact]
    public void With_backups_on_the_jobs_account_may_only_read_and_exec_into_pods()
    {
        var objects = ClusterObjectsBuilder.Build(BuildRequests.From(BuildRequests.HippoWithSidecars));
        var role = Assert.Single(objects, o => o["kind"]!.GetValue<string>() == "Role" && o["metadata"]!["name"]!.GetValue<string>() == "hippo-pgbackrest");
        Assert.Equal("""[{"apiGroups":[""],"resources":["pods"],"verbs":["get","list"]},{"apiGroups":[""],"resources":["pods/exec"],"verbs":["create","get"]}]""",
            role["rules"]!.ToJsonString());
        Assert.DoesNotContain(ClusterObjectsBuilder.Build(BuildRequests.From(BuildRequests.Hippo)), o => o["metadata"]!["name"]!.GetValue<string>() == "hippo-pgbackrest");
    }

    [Fact]
    public void A_trigger_value_names_one_job_so_it_runs_once()
    {
        Assert.Equal(BackupJobBuilder.ManualName("hippo", "2026-11-30T10:00:00Z"), BackupJobBuilder.ManualName("hippo", "2026-11-30T10:00:00Z"));
        Assert.NotEqual(BackupJobBuilder.ManualName("hippo", "2026-11-30T10:00:00Z"), BackupJobBuilder.ManualName("hippo", "2026-11-30T10:00:01Z"));
        Assert.Equal("hippo-repo1-full-202611300100", BackupJobBuilder.ScheduledName("hippo", "repo1", "full", new DateTimeOffset(2026, 11, 30, 1, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void A_new_trigger_starts_a_manual_backup_with_the_specs_defaults_unless_the_annotations_name_others()
    {
        var r = BuildRequests.From(BuildRequests.HippoWithSidecars);
        var now = Created.AddMinutes(5);

        var wanted = KubeBackups.NextJob(r, r.Plan.Backups!, Resource("t1"), [], now);
        Assert.Equal(new BackupJobSpec(BackupJobBuilder.ManualName("hippo", "t1"), r.Plan.Backups!.ManualRepo, r.Plan.Backups.ManualType, "manual"), wanted);
        Assert.Equal("repo2", KubeBackups.NextJob(r, r.Plan.Backups!, Resource("t1", repo: "repo2"), [], now)!.Repo);
        // Once its Job exists the same trigger asks for nothing more.
        Assert.Null(KubeBackups.NextJob(r, r.Plan.Backups!, Resource("t1"), [ExistingJob(wanted!)], now));
        Assert.Null(KubeBackups.NextJob(r, r.Plan.Backups!, Resource(), [], now));
    }

    [Fact]
    public void A_schedule_fires_for_the_first_slot_after_the_clusters_creation_and_each_slot_once()
    {
        // repo1: full at 01:00 on Sundays. Created on Sunday 2026-11-29 10:30, after that day's slot.
        var r = BuildRequests.From(BuildRequests.HippoWithSidecars);
        var backups = r.Plan.Backups!;
        Assert.Null(KubeBackups.NextJob(r, backups, Resource(), [], Created.AddHours(1)));

        var slot = new DateTimeOffset(2026, 12, 6, 1, 0, 0, TimeSpan.Zero);
        var due = KubeBackups.NextJob(r, backups, Resource(), [], slot.AddMinutes(3));
        Assert.Equal(new BackupJobSpec("hippo-repo1-full-202612060100", "repo1", "full", "scheduled", slot), due);
        Assert.Null(KubeBackups.NextJob(r, backups, Resource(), [ExistingJob(due!)], slot.AddMinutes(4)));
        // Down for two weeks: one catch-up run for the newest slot, not one per missed slot.
        var late = KubeBackups.NextJob(r, backups, Resource(), [ExistingJob(due!)], slot.AddDays(15));
        Assert.Equal(slot.AddDays(14), late!.Slot);
    }
}
