using System.Text.Json.Nodes;
using Tusk.Api;
using Tusk.Kubernetes.Builders;
using Tusk.Planning;

namespace Tusk.Kubernetes.Controller;

/// <summary>
/// From the pods Kubernetes reports to a PostgresCluster's status: phase, the Ready, Progressing
/// and Degraded conditions with a reason and a sentence, instances, primary and endpoints. The
/// primary is the ready pod Patroni labelled leader. Pure: pods in, status out.
/// </summary>
public static class KubeStatusCalculator
{
    /// <param name="databaseProblem">Why the users and roles inside PostgreSQL could not be created (<see cref="DatabaseRoles"/>); null when they exist.</param>
    public static ClusterStatus Compute(ClusterPlan plan, long generation, IReadOnlyList<JsonObject> pods, ClusterStatus? previous, DateTimeOffset now, string? databaseProblem = null)
    {
        var expected = plan.Shutdown ? 0 : plan.Members.Count;
        var instances = pods
            .Select(p => Instance(plan, p))
            .OrderBy(i => i.Name, StringComparer.Ordinal)
            .ToList();
        var leader = instances.FirstOrDefault(i => i.Role == "leader" && i.State == "running");
        var running = instances.Count(i => i.State == "running");
        var wasReady = previous?.Phase is ClusterPhases.Ready or ClusterPhases.Degraded;

        string phase, reason, message;
        if (plan.Shutdown)
        {
            (phase, reason, message) = instances.Count == 0
                ? (ClusterPhases.Stopped, "ShutDown", "spec.shutdown is true; every instance is stopped and the data volumes are kept")
                : (ClusterPhases.Stopped, "ShuttingDown", $"spec.shutdown is true; waiting for {instances.Count} instance(s) to stop");
        }
        else if (leader is not null && running == expected && instances.Count == expected && databaseProblem is not null)
        {
            (phase, reason, message) = (wasReady ? ClusterPhases.Degraded : ClusterPhases.Creating, "DatabaseRolesPending", $"{leader.Name} is the primary, but the users could not be created there yet: {databaseProblem}");
        }
        else if (leader is not null && running == expected && instances.Count == expected)
        {
            (phase, reason, message) = (ClusterPhases.Ready, "AllInstancesReady", $"{leader.Name} is the primary and {running} of {expected} instances are ready");
        }
        else if (leader is null)
        {
            (phase, reason, message) = wasReady
                ? (ClusterPhases.Degraded, "NoPrimary", $"no ready pod is labelled leader; Patroni is electing a new primary ({running} of {expected} instances ready)")
                : (ClusterPhases.Creating, "WaitingForPrimary", $"waiting for Patroni to bootstrap the first primary ({running} of {expected} instances ready)");
        }
        else
        {
            var waiting = instances.Where(i => i.State != "running").Select(i => $"{i.Name} ({i.State})").ToList();
            var detail = waiting.Count > 0 ? string.Join(", ", waiting) : $"{expected - instances.Count} pod(s) not created yet";
            (phase, reason, message) = (wasReady ? ClusterPhases.Degraded : ClusterPhases.Creating, "InstancesNotReady", $"{leader.Name} is the primary; {running} of {expected} instances are ready; waiting for {detail}");
        }

        var ready = phase == ClusterPhases.Ready;
        var degraded = phase == ClusterPhases.Degraded;
        var progressing = phase == ClusterPhases.Creating || (phase == ClusterPhases.Stopped && reason == "ShuttingDown");
        var conditions = new List<Condition>
        {
            Api.Condition.Observe(previous, "Ready", ready, reason, message, now),
            Api.Condition.Observe(previous, "Progressing", progressing, reason, message, now),
            Api.Condition.Observe(previous, "Degraded", degraded, reason, message, now),
        };

        var host = $"{ObjectNames.Primary(plan.Name)}.{plan.Namespace}.svc:{plan.Port}";
        return new ClusterStatus
        {
            Phase = phase,
            ObservedGeneration = generation,
            Conditions = conditions,
            Instances = instances,
            Primary = leader?.Name,
            Endpoints = new Endpoints(
                host,
                $"{ObjectNames.Replicas(plan.Name)}.{plan.Namespace}.svc:{plan.Port}",
                plan.PgBouncer is { } pooler ? $"{ObjectNames.PgBouncer(plan.Name)}.{plan.Namespace}.svc:{pooler.Port}" : null),
            LastOutcome = message,
            CreatedAt = previous?.CreatedAt ?? now,
            UpdatedAt = now,
        };
    }

    private static InstanceStatus Instance(ClusterPlan plan, JsonObject pod)
    {
        var labels = pod["metadata"]?["labels"];
        var role = labels?[Labels.Role]?.GetValue<string>() switch
        {
            Labels.RoleLeader => "leader",
            Labels.RoleReplica => "replica",
            _ => "unknown",
        };
        var status = pod["status"];
        var isReady = status?["conditions"]?.AsArray().Any(c => c?["type"]?.GetValue<string>() == "Ready" && c["status"]?.GetValue<string>() == "True") ?? false;
        var state = pod["metadata"]?["deletionTimestamp"] is not null ? "stopping"
            : isReady ? "running"
            : status?["phase"]?.GetValue<string>() switch
            {
                "Pending" or null => "starting",
                "Running" => "not ready",
                var other => other.ToLowerInvariant(),
            };
        return new InstanceStatus
        {
            Name = pod["metadata"]!["name"]!.GetValue<string>(),
            InstanceSet = labels?[Labels.InstanceSet]?.GetValue<string>() ?? "",
            Role = role,
            State = state,
            Port = plan.Port,
        };
    }
}
