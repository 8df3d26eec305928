using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Tusk.Api;
using Tusk.Kubernetes.Builders;
using Tusk.Kubernetes.Client;
using Tusk.Planning.Backups;
using Tusk.Runtime.Local.Backups;

namespace Tusk.Kubernetes.Controller;

/// <summary>
/// pgBackRest on Kubernetes, one step of a reconcile: the stanza once there is a primary, backup
/// Jobs (<see cref="BackupJobBuilder"/>) for a manual trigger (the annotation
/// tusk.dev/trigger-backup, as PGO's) and for due schedules (<see cref="BackupSchedule"/>,
/// shared with the local runtime), one at a time, and status.backups from the Jobs and from
/// `pgbackrest info` after each one. The Jobs themselves are the memory: a trigger value names
/// its Job, a scheduled Job carries its slot, so an operator restart neither repeats nor skips a run.
/// </summary>
public sealed class KubeBackups(KubeClient client, TimeProvider clock)
{
    public const string TriggerAnnotation = "tusk.dev/trigger-backup";
    public const string RepoAnnotation = "tusk.dev/backup-repo";
    public const string TypeAnnotation = "tusk.dev/backup-type";

    /// <summary>Finished Jobs kept per repository, type and reason (the newest ones), as a CronJob's history limit.</summary>
    public const int History = 3;

    /// <summary>While a backup runs the operator looks again this often, to record its end.</summary>
    public static readonly TimeSpan RunningRecheck = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, string> _stanzas = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _infoAfter = new(StringComparer.Ordinal);

    /// <summary>The backups' status, what this cycle did (or null), and when to look again (or null).</summary>
    public async Task<(BackupsStatus Status, string? Outcome, TimeSpan? Recheck)> ReconcileAsync(
        BuildRequest r, JsonObject resource, string? primary, ClusterStatus? previous, (string? Image, string? PullPolicy) operatorImage, CancellationToken cancel)
    {
        var backups = r.Plan.Backups!;
        var now = clock.GetUtcNow();
        var selector = $"{Labels.Cluster}={r.Name},{Labels.Role}={BackupJobBuilder.Role}";
        var jobs = (await client.ListAsync(ApiResource.Job, r.Namespace, selector, cancel)).Items;
        // The Jobs' pods carry their labels: one list for every failed Job's last words, and only when one failed.
        var pods = jobs.Any(j => Condition(j, "Failed") is not null) ? (await client.ListAsync(ApiResource.Pod, r.Namespace, selector, cancel)).Items : [];
        var records = jobs.Select(job => Record(job, pods, now)).ToList();

        var running = records.FirstOrDefault(j => j.Succeeded is null);
        var last = records.Where(j => j.FinishedAt is not null).MaxBy(j => j.FinishedAt);
        var status = new BackupsStatus
        {
            // Health and newest backups as last read (pgbackrest info, below); the next run as of now.
            Repos = [.. backups.Repos.Select(repo =>
                (previous?.Backups?.Repos.FirstOrDefault(p => p.Name == repo.Name) ?? new RepoStatus(repo.Name, false, "stanza not created yet (waiting for the primary)"))
                with { NextScheduled = RepoStatuses.NextScheduled(repo, now) })],
            Running = running,
            LastJob = last,
        };
        var said = new List<string>();
        // The next slot, looked at again at least hourly (a schedule days away is not one long timer).
        var next = status.Repos.Select(repo => repo.NextScheduled?.At).Min();
        var recheck = running is not null ? RunningRecheck : next is { } at ? TimeSpan.FromTicks(Math.Min((at - now).Ticks, TimeSpan.FromHours(1).Ticks)) + TimeSpan.FromSeconds(1) : (TimeSpan?)null;
        if (primary is null)
        {
            return (status, null, recheck);
        }

        var uid = r.Uid;
        var repoKey = string.Join(",", backups.Repos.Select(repo => repo.Name));
        if (_stanzas.GetValueOrDefault(uid) != repoKey)
        {
            var created = await PrimaryPgBackRest.RunAsync(client, r.Namespace, primary, ["stanza-create"], cancel);
            if (!created.Succeeded)
            {
                var problem = $"pgBackRest's stanza-create on {primary} failed: {PrimaryPgBackRest.Message(created)}";
                status.Repos = [.. status.Repos.Select(repo => repo with { Ok = false, Message = problem })];
                return (status, problem, RunningRecheck);
            }

            _stanzas[uid] = repoKey;
            _infoAfter.TryRemove(uid, out _);
            said.Add($"created the pgBackRest stanza {BackupPlan.Stanza}");
        }

        if (running is null && NextJob(r, backups, resource, jobs, now) is { } wanted)
        {
            if (operatorImage.Image is not { } image)
            {
                said.Add($"a {wanted.Reason} backup is due, but the operator does not know its own image to run the Job: set TUSK_OPERATOR_IMAGE, or POD_NAME and POD_NAMESPACE");
            }
            else if (backups.Repo(wanted.Repo) is null)
            {
                said.Add($"the backup asked for names {wanted.Repo}, which spec.backups.pgbackrest.repos does not have ({repoKey})");
            }
            else
            {
                await client.CreateAsync(ApiResource.Job, r.Namespace, BackupJobBuilder.Build(r, image, operatorImage.PullPolicy, wanted), cancel);
                status.Running = new BackupJob(wanted.Name, wanted.Repo, wanted.Type, wanted.Reason, now);
                recheck = RunningRecheck;
                said.Add($"started the {wanted.Reason} {wanted.Type} backup to {wanted.Repo} (Job {wanted.Name})");
            }
        }

        // pgbackrest info once per finished backup (and after the stanza): the repositories' health and newest backups.
        var infoKey = last?.Id ?? "";
        if (_infoAfter.GetValueOrDefault(uid) != infoKey)
        {
            var info = await PrimaryPgBackRest.RunAsync(client, r.Namespace, primary, ["--output=json", "info"], cancel);
            if (info.Succeeded)
            {
                status.Repos = RepoStatusesFromInfo(backups, info.Stdout, now);
                _infoAfter[uid] = infoKey;
            }
        }

        await PruneAsync(r.Namespace, jobs, cancel);
        return (status, said.Count == 0 ? null : string.Join("; ", said), recheck);
    }

    /// <summary>The Job to start now, if any: a new manual trigger first, then the first due schedule.</summary>
    internal static BackupJobSpec? NextJob(BuildRequest r, BackupPlan backups, JsonObject resource, IReadOnlyList<JsonObject> jobs, DateTimeOffset now)
    {
        var names = jobs.Select(j => j["metadata"]!["name"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var annotations = resource["metadata"]?["annotations"];
        if (annotations?[TriggerAnnotation]?.GetValue<string>() is { Length: > 0 } trigger && !names.Contains(BackupJobBuilder.ManualName(r.Name, trigger)))
        {
            return new BackupJobSpec(
                BackupJobBuilder.ManualName(r.Name, trigger),
                annotations[RepoAnnotation]?.GetValue<string>() is { Length: > 0 } repo ? repo : backups.ManualRepo,
                annotations[TypeAnnotation]?.GetValue<string>() is { Length: > 0 } type ? type : backups.ManualType,
                "manual");
        }

        // A schedule never run before counts from the cluster's creation, so creating one does not fire a past slot.
        var created = DateTimeOffset.Parse(resource["metadata"]!["creationTimestamp"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        foreach (var repo in backups.Repos)
        {
            foreach (var schedule in repo.Schedules)
            {
                var lastSlot = jobs
                    .Where(j => Label(j, BackupJobBuilder.ReasonLabel) == "scheduled" && Label(j, BackupJobBuilder.RepoLabel) == repo.Name && Label(j, BackupJobBuilder.TypeLabel) == schedule.Type)
                    .Select(j => long.TryParse(j["metadata"]?["annotations"]?[BackupJobBuilder.SlotAnnotation]?.GetValue<string>(), CultureInfo.InvariantCulture, out var s) ? DateTimeOffset.FromUnixTimeSeconds(s) : (DateTimeOffset?)null)
                    .Max() ?? BackupSchedule.LatestSlot(schedule.Cron, created) ?? created;
                if (BackupSchedule.Due(schedule.Cron, lastSlot, now) is { } slot)
                {
                    return new BackupJobSpec(BackupJobBuilder.ScheduledName(r.Name, repo.Name, schedule.Type, slot), repo.Name, schedule.Type, "scheduled", slot);
                }
            }
        }

        return null;
    }

    /// <summary>One Job as a backup record; a failed one carries its pod's last log lines (the container's termination message).</summary>
    private static BackupJob Record(JsonObject job, IReadOnlyList<JsonObject> pods, DateTimeOffset now)
    {
        var name = job["metadata"]!["name"]!.GetValue<string>();
        var (repo, type, reason) = (Label(job, BackupJobBuilder.RepoLabel) ?? "", Label(job, BackupJobBuilder.TypeLabel) ?? "", Label(job, BackupJobBuilder.ReasonLabel) ?? "");
        var jobStatus = job["status"];
        var started = Time(jobStatus?["startTime"]) ?? Time(job["metadata"]?["creationTimestamp"]) ?? now;
        if ((jobStatus?["succeeded"]?.GetValue<int>() ?? 0) > 0)
        {
            return new BackupJob(name, repo, type, reason, started, Time(jobStatus?["completionTime"]) ?? now, true, $"{type} backup to {repo} finished");
        }

        if (Condition(job, "Failed") is not { } failed)
        {
            return new BackupJob(name, repo, type, reason, started);
        }

        var words = pods
            .Where(p => Label(p, "job-name") == name)
            .SelectMany(p => p["status"]?["containerStatuses"] as JsonArray ?? [])
            .Select(c => c?["state"]?["terminated"]?["message"]?.GetValue<string>()?.Trim())
            .LastOrDefault(m => !string.IsNullOrEmpty(m));
        var message = $"{type} backup to {repo} failed: {words ?? failed["message"]?.GetValue<string>() ?? "the Job failed"} (kubectl logs job/{name})";
        return new BackupJob(name, repo, type, reason, started, Time(failed["lastTransitionTime"]) ?? now, false, message);
    }

    /// <summary>The Job's condition of this type ("Complete", "Failed") when it is true.</summary>
    private static JsonNode? Condition(JsonObject job, string type) =>
        (job["status"]?["conditions"] as JsonArray)?.FirstOrDefault(c => c?["type"]?.GetValue<string>() == type && c["status"]?.GetValue<string>() == "True");

    /// <summary>Keeps the newest finished Jobs of each repository, type and reason; deletes older ones with their pods.</summary>
    private async Task PruneAsync(string ns, IReadOnlyList<JsonObject> jobs, CancellationToken cancel)
    {
        var finished = jobs.Where(j => Condition(j, "Complete") is not null || Condition(j, "Failed") is not null);
        var old = finished
            .GroupBy(j => (Label(j, BackupJobBuilder.RepoLabel), Label(j, BackupJobBuilder.TypeLabel), Label(j, BackupJobBuilder.ReasonLabel)))
            .SelectMany(g => g.OrderByDescending(j => j["metadata"]!["creationTimestamp"]!.GetValue<string>(), StringComparer.Ordinal).Skip(History));
        foreach (var job in old)
        {
            await client.DeleteAsync(ApiResource.Job, ns, job["metadata"]!["name"]!.GetValue<string>(), cancel: cancel);
        }
    }

    /// <summary>Each repository from `pgbackrest info`: its health and newest backup of each type (the local runtime's shape).</summary>
    private static List<RepoStatus> RepoStatusesFromInfo(BackupPlan backups, string json, DateTimeOffset now)
    {
        var records = PgBackRestInfo.Backups(json);
        var health = PgBackRestInfo.Repos(json);
        return [.. backups.Repos.Select(repo =>
        {
            var (ok, message) = health.TryGetValue(repo.Name, out var h) ? h : (false, "not in pgbackrest info");
            return RepoStatuses.Of(repo, ok, message, records, now);
        })];
    }

    private static string? Label(JsonObject obj, string label) => obj["metadata"]?["labels"]?[label]?.GetValue<string>();

    private static DateTimeOffset? Time(JsonNode? node) =>
        node?.GetValue<string>() is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture) : null;
}
