using System.Text.Json;
using System.Text.Json.Nodes;
using Tusk.Api;
using Tusk.Kubernetes.Builders;
using Tusk.Kubernetes.Client;
using Tusk.Planning;
using Tusk.Security;

namespace Tusk.Kubernetes.Controller;

/// <summary>
/// One reconcile of one PostgresCluster, as a straight list of steps, each able to end the
/// cycle with a sentence: read → check (the same front door as the CLI) → plan → gather secret
/// material → build → apply (server-side, field manager "tusk") → observe pods → write status.
/// </summary>
public sealed class ClusterReconciler(KubeClient client, OperatorOptions options, TimeProvider clock)
{
    /// <summary>While a cluster is not ready, look again this often even without events.</summary>
    public static readonly TimeSpan NotReadyRecheck = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan SwitchoverRecheck = TimeSpan.FromSeconds(2);

    private readonly DatabaseRoles _roles = new();
    private readonly KubeBackups _backups = new(client, clock);
    private string? _pdbApiVersion;

    public async Task<ReconcileResult> ReconcileAsync(string ns, string name, CancellationToken cancel)
    {
        var resource = await client.GetAsync(ApiResource.PostgresCluster, ns, name, cancel);
        if (resource is null)
        {
            return new ReconcileResult($"{ns}/{name} is gone; Kubernetes deletes the objects it owned");
        }

        if (ClusterFinalizer.IsDeleting(resource))
        {
            return ClusterFinalizer.IsPresent(resource)
                ? await ClusterFinalizer.FinalizeAsync(client, resource, cancel)
                : new ReconcileResult($"{ns}/{name} is being deleted");
        }

        if (!ClusterFinalizer.IsPresent(resource))
        {
            await ClusterFinalizer.AddAsync(client, resource, cancel);
        }

        var generation = resource["metadata"]?["generation"]?.GetValue<long>() ?? 0;
        var previous = resource["status"] is JsonObject s ? s.Deserialize(Json.Types.ClusterStatus) : null;

        var checkedCluster = Check(resource, ns, name);
        if (!checkedCluster.IsValid)
        {
            var errors = string.Join("; ", checkedCluster.Errors.Select(p => p.ToString()));
            return await RefuseAsync(resource, generation, previous, "InvalidSpec", $"the spec is invalid and nothing was changed: {errors}", cancel);
        }

        var cluster = checkedCluster.Cluster;
        var image = options.DatabaseImage(cluster);
        if (image is null)
        {
            return await RefuseAsync(resource, generation, previous, "NoImage",
                $"no image for PostgreSQL {cluster.Spec.PostgresVersion}: set spec.image, or RELATED_IMAGE_POSTGRES_{cluster.Spec.PostgresVersion} on the operator", cancel);
        }

        var plan = ClusterPlanner.Plan(cluster);
        var images = (
            PgBackRest: SidecarImages.PgBackRest(cluster, options.RelatedImages),
            Exporter: SidecarImages.Exporter(cluster, options.RelatedImages),
            PgBouncer: SidecarImages.PgBouncer(cluster, options.RelatedImages));
        var missing = new[]
        {
            (plan.Backups is not null && images.PgBackRest is null, $"pgBackRest: set spec.backups.pgbackrest.image, or {SidecarImages.PgBackRestVariable} on the operator"),
            (plan.Exporter && images.Exporter is null, $"postgres_exporter: set spec.monitoring.exporter.image, or {SidecarImages.ExporterVariable} on the operator"),
            (plan.PgBouncer is not null && images.PgBouncer is null, $"PgBouncer: set spec.proxy.pgBouncer.image, or {SidecarImages.PgBouncerVariable} on the operator"),
        }.Where(m => m.Item1).Select(m => m.Item2).ToList();
        if (missing.Count > 0)
        {
            return await RefuseAsync(resource, generation, previous, "NoImage", $"no image for {string.Join("; for ", missing)}", cancel);
        }

        (PemPair Server, string Ca)? customTls = null;
        if (CustomTlsSecret.Name(cluster.Spec.CustomTlsSecret) is { } tlsSecret)
        {
            var (server, ca, problem) = CustomTlsSecret.Read(ns, cluster.Spec.CustomTlsSecret!, await client.GetAsync(ApiResource.Secret, ns, tlsSecret, cancel), SecretMaterial.ClientNames(plan), clock.GetUtcNow());
            if (problem is not null)
            {
                return await RefuseAsync(resource, generation, previous, "InvalidCustomTLS", $"{problem}; nothing was changed", cancel);
            }

            customTls = (server!, ca!);
        }

        var (users, internalPasswords, certificates) = await SecretMaterial.LoadOrCreateAsync(client, plan, clock, cancel, customTls);
        _pdbApiVersion ??= await client.ServesAsync("policy/v1", cancel) ? "policy/v1" : "policy/v1beta1";
        // Instances only: PgBouncer pods carry the cluster label too, but no instance set.
        var pods = await client.ListAsync(ApiResource.Pod, ns, $"{Labels.Cluster}={name},{Labels.InstanceSet}", cancel);
        var (primaryInTheWay, held) = ScaleDownGuard.Hold(cluster.Spec.Instances!, plan.Shutdown, pods.Items);
        var request = new BuildRequest(cluster, plan, resource["metadata"]!["uid"]!.GetValue<string>(), image, _pdbApiVersion, users, internalPasswords, certificates)
        {
            PgBackRestImage = images.PgBackRest,
            ExporterImage = images.Exporter,
            PgBouncerImage = images.PgBouncer,
            HeldReplicas = held,
        };

        // Tusk owns these objects entirely: force takes back a field someone edited by hand.
        // In rounds, each applied at once (a round trip per round, not one per object).
        var objects = ClusterObjectsBuilder.Build(request);
        foreach (var round in objects.GroupBy(Round).OrderBy(g => g.Key))
        {
            await Task.WhenAll(round.Select(obj => client.ApplyAsync(ApiResource.Of(obj), ns, obj, force: true, cancel)));
        }

        var status = KubeStatusCalculator.Compute(plan, generation, pods.Items, previous, clock.GetUtcNow());
        if (await ApplyDatabaseRolesAsync(request, pods.Items, status, cancel) is { } rolesProblem)
        {
            status = KubeStatusCalculator.Compute(plan, generation, pods.Items, previous, clock.GetUtcNow(), rolesProblem);
        }

        TimeSpan? backupRecheck = null;
        if (plan.Backups is not null)
        {
            (status.Backups, var said, backupRecheck) = await _backups.ReconcileAsync(request, resource, status.Primary, previous, (options.OperatorImage, options.OperatorImagePullPolicy), cancel);
            status.LastOutcome = said is null ? status.LastOutcome : $"{status.LastOutcome}; {said}";
        }

        status.SwitchoverTrigger = await RequestSwitchoverAsync(resource, plan, status, previous, cancel);
        if (primaryInTheWay is not null)
        {
            // Patroni picks the healthiest replica (with synchronousMode, the synchronous standby); the set shrinks once it has.
            await client.ApplyAsync(ApiResource.ConfigMap, ns, SwitchoverRequest.FailoverKey(plan, ns, primaryInTheWay, target: null), force: true, cancel);
            status.LastOutcome = $"{status.LastOutcome}; asked Patroni to move the primary off {primaryInTheWay} before the scale-down removes it";
        }

        await RecordAsync(resource, previous, status, status.Phase == ClusterPhases.Degraded ? "Warning" : "Normal", cancel);
        await WriteStatusAsync(resource, status, previous, cancel);
        // A switchover still waiting (for a primary, or its synchronous standby) is asked again soon.
        var switchoverWaiting = SwitchoverRequest.Trigger(resource) is { } asked && asked != status.SwitchoverTrigger;
        TimeSpan? recheck = switchoverWaiting ? SwitchoverRecheck : status.Phase == ClusterPhases.Ready ? null : NotReadyRecheck;
        if (backupRecheck is { } backup && (recheck is null || backup < recheck))
        {
            recheck = backup;
        }

        return new ReconcileResult(status.LastOutcome!, recheck);
    }

    /// <summary>
    /// 0: what the pods use; 1: RoleBindings, after their Roles (the API server lets the operator
    /// bind a Role only once it can see that the operator holds every permission in it, so the
    /// Role must exist first); 2: the StatefulSets and Deployments that make the pods, last.
    /// </summary>
    private static int Round(JsonObject obj) => obj["kind"]?.GetValue<string>() switch
    {
        "RoleBinding" => 1,
        "StatefulSet" or "Deployment" => 2,
        _ => 0,
    };

    /// <summary>Users and Tusk's roles inside PostgreSQL once there is a primary (<see cref="DatabaseRoles"/>); returns why it failed, else null.</summary>
    private async Task<string?> ApplyDatabaseRolesAsync(BuildRequest request, IReadOnlyList<JsonObject> pods, ClusterStatus status, CancellationToken cancel)
    {
        if (!options.ConnectToDatabases || _roles.IsApplied(request))
        {
            return null;
        }

        if (DatabaseRoles.PrimaryAddress(pods, status.Primary) is not { } address)
        {
            return status.Primary is null ? null : $"{status.Primary} has no pod address yet";
        }

        try
        {
            status.LastOutcome = $"{status.LastOutcome}; {await _roles.ApplyAsync(request, address, cancel)}";
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancel.IsCancellationRequested)
        {
            return $"connecting to {status.Primary} ({address}:{request.Plan.Port}) as {ClusterPlan.Superuser} failed: {e.Message}";
        }
    }

    /// <summary>Writes Patroni's failover key for a new switchover trigger (SwitchoverRequest); returns the trigger now acted on.</summary>
    private async Task<string?> RequestSwitchoverAsync(JsonObject resource, ClusterPlan plan, ClusterStatus status, ClusterStatus? previous, CancellationToken cancel)
    {
        if (SwitchoverRequest.Trigger(resource) is not { } trigger || trigger == previous?.SwitchoverTrigger)
        {
            return previous?.SwitchoverTrigger;
        }

        var target = SwitchoverRequest.Target(resource);
        if (status.Primary is null || target == status.Primary)
        {
            // Nothing to hand over yet (the next cycle asks again), or nothing to do.
            status.LastOutcome = status.Primary is null ? $"a switchover is requested; waiting for a primary ({status.LastOutcome})" : $"{target} is already the primary; no switchover needed";
            return status.Primary is null ? previous?.SwitchoverTrigger : trigger;
        }

        if (plan.SynchronousMode && SwitchoverRequest.SynchronousStandbyProblem(await client.GetAsync(ApiResource.ConfigMap, plan.Namespace, SwitchoverRequest.SyncStateName(plan), cancel), status.Primary, target) is { } problem)
        {
            status.LastOutcome = $"a switchover is requested; {problem.Reason}";
            return problem.Wait ? previous?.SwitchoverTrigger : trigger;
        }

        await client.ApplyAsync(ApiResource.ConfigMap, plan.Namespace, SwitchoverRequest.FailoverKey(plan, plan.Namespace, status.Primary, target), force: true, cancel);
        status.LastOutcome = $"asked Patroni to switch over from {status.Primary} to {target ?? "the healthiest replica"}";
        return trigger;
    }

    /// <summary>The resource through the same reader, defaults and validation as the CLI's manifests.</summary>
    private static CheckedCluster Check(JsonObject resource, string ns, string name)
    {
        var metadata = new JsonObject { ["name"] = name, ["namespace"] = ns };
        foreach (var key in new[] { "labels", "annotations" })
        {
            if (resource["metadata"]?[key] is JsonObject map)
            {
                metadata[key] = map.DeepClone();
            }
        }

        var manifest = new JsonObject
        {
            ["apiVersion"] = resource["apiVersion"]?.DeepClone(),
            ["kind"] = resource["kind"]?.DeepClone(),
            ["metadata"] = metadata,
            ["spec"] = resource["spec"]?.DeepClone() ?? new JsonObject(),
        };
        // JSON is YAML: the reader takes it as it is.
        return ClusterManifest.Check(manifest.ToJsonString(), $"{ns}/{name}", localRuntime: false)[0];
    }

    private async Task<ReconcileResult> RefuseAsync(JsonObject resource, long generation, ClusterStatus? previous, string reason, string message, CancellationToken cancel)
    {
        var ns = resource["metadata"]!["namespace"]!.GetValue<string>();
        var name = resource["metadata"]!["name"]!.GetValue<string>();
        var now = clock.GetUtcNow();
        var status = new ClusterStatus
        {
            Phase = previous?.Phase ?? ClusterPhases.Pending,
            ObservedGeneration = generation,
            Conditions =
            [
                new Condition("Ready", "False", reason, message, now),
                new Condition("Progressing", "False", reason, message, now),
                new Condition("Degraded", "True", reason, message, now),
            ],
            Instances = previous?.Instances ?? [],
            Primary = previous?.Primary,
            Endpoints = previous?.Endpoints,
            SwitchoverTrigger = previous?.SwitchoverTrigger,
            Backups = previous?.Backups,
            LastError = message,
            LastOutcome = message,
            CreatedAt = previous?.CreatedAt ?? now,
            UpdatedAt = now,
        };
        await RecordAsync(resource, previous, status, "Warning", cancel);
        await WriteStatusAsync(resource, status, previous, cancel);
        return new ReconcileResult(message);
    }

    /// <summary>An Event when the Ready condition's reason changes (a new phase, a new problem), not on every cycle.</summary>
    private async Task RecordAsync(JsonObject resource, ClusterStatus? previous, ClusterStatus status, string type, CancellationToken cancel)
    {
        var before = previous?.Conditions.FirstOrDefault(c => c.Type == "Ready");
        var now = status.Conditions.First(c => c.Type == "Ready");
        if (before is not null && before.Reason == now.Reason && before.Status == now.Status)
        {
            return;
        }

        await client.CreateAsync(ApiResource.Event, resource["metadata"]!["namespace"]!.GetValue<string>(),
            EventBuilder.Build(resource, type, now.Reason, now.Message, clock.GetUtcNow()), cancel);
    }

    private async Task WriteStatusAsync(JsonObject resource, ClusterStatus status, ClusterStatus? previous, CancellationToken cancel)
    {
        // Writing a status that differs only in its timestamp would wake every watcher for nothing.
        if (previous is not null && SameApartFromTime(status, previous))
        {
            return;
        }

        var next = JsonSerializer.SerializeToNode(status, Json.Types.ClusterStatus)!.AsObject();
        var patch = new JsonObject { ["status"] = JsonMergePatch.Between(resource["status"] as JsonObject, next) };
        await client.MergePatchStatusAsync(ApiResource.PostgresCluster, resource["metadata"]!["namespace"]!.GetValue<string>(), resource["metadata"]!["name"]!.GetValue<string>(), patch, cancel);
    }

    private static bool SameApartFromTime(ClusterStatus a, ClusterStatus b)
    {
        static string Text(ClusterStatus s) => JsonSerializer.Serialize(new ClusterStatus
        {
            Phase = s.Phase,
            ObservedGeneration = s.ObservedGeneration,
            Conditions = [.. s.Conditions.Select(c => c with { LastTransitionTime = default })],
            Instances = s.Instances,
            Primary = s.Primary,
            Endpoints = s.Endpoints,
            SwitchoverTrigger = s.SwitchoverTrigger,
            Backups = s.Backups,
            LastError = s.LastError,
            LastOutcome = s.LastOutcome,
        }, Json.Types.ClusterStatus);
        return Text(a) == Text(b);
    }
}
