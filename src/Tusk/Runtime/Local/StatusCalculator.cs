using Tusk.Api;
using Tusk.Planning;

namespace Tusk.Runtime.Local;

/// <summary>
/// From an observation to status: phase, conditions with reasons, instances, primary. Pure, so
/// every phase transition is unit-tested without processes.
/// </summary>
public static class StatusCalculator
{
    public static ClusterStatus Compute(ClusterPlan plan, IReadOnlyList<LocalMember> members, Observation seen, ClusterStatus? previous, long generation, DateTimeOffset now)
    {
        var observed = (seen.Members ?? []).ToDictionary(m => m.Name, StringComparer.Ordinal);
        var leader = seen.Members?.FirstOrDefault(m => m.IsLeader && m.State == "running");
        var instances = members.Select(m =>
        {
            observed.TryGetValue(m.Name, out var p);
            var state = p?.State ?? "down";
            if (p is not null && !p.IsLeader && state == "running" && seen.Streaming.Contains(m.Name))
            {
                state = "streaming";
            }

            return new InstanceStatus
            {
                Name = m.Name,
                InstanceSet = m.Plan.InstanceSet,
                Role = p is null ? "unknown" : p.IsLeader ? "leader" : p.Role,
                State = seen.PatroniPids.GetValueOrDefault(m.Name) is null ? "down" : state,
                Timeline = p?.Timeline,
                LagBytes = p is null || p.IsLeader ? null : p.LagBytes,
                Port = m.PostgresPort,
                Pid = seen.PatroniPids.GetValueOrDefault(m.Name),
                MetricsUrl = m.MetricsUrl,
            };
        }).ToList();

        var replicas = instances.Where(i => i.Name != leader?.Name).ToList();
        var streaming = replicas.Count(i => i.State == "streaming");
        var ready = leader is not null && streaming == replicas.Count && seen.EndpointWritable && seen.UsersApplied;
        var wasReady = previous?.Phase is ClusterPhases.Ready or ClusterPhases.Degraded;

        string phase;
        string reason;
        string message;
        if (ready && seen.ArchiveError is { } archiveError)
        {
            // Serving, but a restore could not reach anything after the last archived segment.
            (phase, reason, message) = (ClusterPhases.Degraded, "ArchivingFailed", $"WAL archiving fails, so backups cannot restore recent changes: {archiveError}");
        }
        else if (ready)
        {
            (phase, reason, message) = (ClusterPhases.Ready, "AllInstancesStreaming", $"{leader!.Name} is the primary and {streaming} of {replicas.Count} replicas stream from it");
        }
        else if (leader is null && seen.PendingRestore is { Phase: RestorePhases.Failed } failed)
        {
            // Nothing is electing anyone: the cluster waits, stopped and paused, for the user.
            (phase, reason, message) = (ClusterPhases.Degraded, "RestoreFailed", RestoreFailedMessage(plan, failed, seen.RestoreInPlace));
        }
        else if (leader is null && seen.PendingRestore is { Phase: RestorePhases.Running } restoring)
        {
            // Patroni is paused (or bootstraps from the repository): nobody is being elected.
            (phase, reason, message) = (wasReady ? ClusterPhases.Degraded : ClusterPhases.Creating, "Restoring", RestoringMessage(plan, restoring));
        }
        else if (leader is null)
        {
            (phase, reason, message) = (wasReady ? ClusterPhases.Degraded : ClusterPhases.Creating, "NoLeader", wasReady ? "no member holds the leader lock; Patroni is electing a new primary" : "waiting for Patroni to bootstrap the first primary");
        }
        else if (!seen.EndpointWritable)
        {
            (phase, reason, message) = (wasReady ? ClusterPhases.Degraded : ClusterPhases.Creating, "EndpointNotWritable", $"{leader.Name} leads but the primary endpoint on port {plan.Port} does not take writes yet");
        }
        else if (streaming < replicas.Count)
        {
            var waiting = string.Join(", ", replicas.Where(i => i.State != "streaming").Select(i => $"{i.Name} ({i.State})"));
            (phase, reason, message) = (wasReady ? ClusterPhases.Degraded : ClusterPhases.Creating, "ReplicasNotStreaming", $"{streaming} of {replicas.Count} replicas stream; waiting for {waiting}");
        }
        else
        {
            (phase, reason, message) = (wasReady ? ClusterPhases.Degraded : ClusterPhases.Creating, "UsersPending", "creating users and databases");
        }

        var conditions = new List<Condition>
        {
            Condition.Observe(previous, "Ready", ready, reason, message, now),
            Condition.Observe(previous, "Progressing", phase == ClusterPhases.Creating, reason, message, now),
            Condition.Observe(previous, "Degraded", phase == ClusterPhases.Degraded, reason, message, now),
        };

        return new ClusterStatus
        {
            Phase = phase,
            ObservedGeneration = generation,
            Conditions = conditions,
            Instances = instances,
            Primary = leader?.Name,
            Endpoints = EndpointsOf(plan),
            LastError = ready ? seen.ArchiveError : seen.Diagnosis ?? previous?.LastError,
            UpdatedAt = now,
        };
    }

    /// <summary>A restore under way, in the words the CLI's progress lines show.</summary>
    private static string RestoringMessage(ClusterPlan plan, RestoreStatus restoring) => plan.CloneFrom is { } source
        ? $"cloning {source.Namespace}/{source.Cluster} to {restoring.Target}: Patroni restores the first member from the repository"
        : restoring.Message ?? $"restoring to {restoring.Target}: pgBackRest copies, then PostgreSQL recovers and is promoted; until then no member leads";

    /// <summary>What a failed restore left and the way on, in the words `tusk describe` shows.</summary>
    private static string RestoreFailedMessage(ClusterPlan plan, RestoreStatus failed, bool inPlace) => plan.CloneFrom is { } source
        ? $"the clone of {source.Namespace}/{source.Cluster} to {failed.Target} failed: {failed.Message}; delete {plan.Name} and create the clone again with another target"
        : inPlace
            ? $"the restore to {failed.Target} failed: {failed.Message}; {plan.Name} stays stopped, with Patroni paused and the data from before the restore set aside (data.before-restore-* in each member's directory): run `tusk restore {plan.Name}` again with another target, or `tusk restore {plan.Name} --abort` to go back to the data from before it"
            : $"the restore to {failed.Target} failed: {failed.Message}; {plan.Name} stays stopped, with the data from before the restore set aside (data.before-restore-* in each member's directory), until a restore succeeds: run `tusk restore {plan.Name}` again with another target";

    public static ClusterStatus Stopped(ClusterPlan plan, IReadOnlyList<LocalMember> members, ClusterStatus? previous, long generation, DateTimeOffset now) => new()
    {
        Phase = ClusterPhases.Stopped,
        ObservedGeneration = generation,
        Conditions =
        [
            Condition.Observe(previous, "Ready", false, "Shutdown", "spec.shutdown is true: every instance is stopped and the data kept", now),
            Condition.Observe(previous, "Progressing", false, "Shutdown", "spec.shutdown is true", now),
            Condition.Observe(previous, "Degraded", false, "Shutdown", "spec.shutdown is true", now),
        ],
        Instances = members.Select(m => new InstanceStatus { Name = m.Name, InstanceSet = m.Plan.InstanceSet, State = "stopped", Port = m.PostgresPort, MetricsUrl = m.MetricsUrl }).ToList(),
        Endpoints = EndpointsOf(plan),
        UpdatedAt = now,
    };

    private static Endpoints EndpointsOf(ClusterPlan plan) =>
        new($"127.0.0.1:{plan.Port}", $"127.0.0.1:{plan.Port + 1}", plan.PgBouncer is { } pooler ? $"127.0.0.1:{pooler.Port}" : null);
}
