using System.Text.Json.Nodes;
using Tusk.Api;
using Tusk.Kubernetes.Builders;
using Tusk.Kubernetes.Client;

namespace Tusk.Kubernetes.Controller;

/// <summary>
/// The operator's finalizer on every PostgresCluster. Deleting a cluster deletes what it owns
/// through Kubernetes' garbage collector (StatefulSets, Services, ConfigMaps, Secrets, ...);
/// its volume claims are not owned, so they are kept, unless
/// spec.persistentVolumeClaimRetentionPolicy.whenDeleted is Delete: then the finalizer deletes
/// every claim labelled with the cluster (instance data and pgBackRest repositories) before it
/// lets the resource go.
/// </summary>
public static class ClusterFinalizer
{
    public const string Name = "tusk.dev/finalizer";

    public static bool IsDeleting(JsonObject resource) => resource["metadata"]?["deletionTimestamp"] is not null;

    public static bool IsPresent(JsonObject resource) =>
        resource["metadata"]?["finalizers"] is JsonArray finalizers && finalizers.Any(f => f?.GetValue<string>() == Name);

    /// <summary>Adds the finalizer, keeping any others (a JSON Patch, so no other writer's apply takes it away).</summary>
    public static Task AddAsync(KubeClient client, JsonObject resource, CancellationToken cancel) =>
        client.JsonPatchAsync(ApiResource.PostgresCluster, Namespace(resource), NameOf(resource), resource["metadata"]?["finalizers"] is JsonArray
            ? [(JsonNode)new JsonObject { ["op"] = "add", ["path"] = "/metadata/finalizers/-", ["value"] = Name }]
            : [(JsonNode)new JsonObject { ["op"] = "add", ["path"] = "/metadata/finalizers", ["value"] = new JsonArray(Name) }],
            cancel);

    /// <summary>Applies the cleanup rules, then removes the finalizer so Kubernetes can delete the resource.</summary>
    public static async Task<ReconcileResult> FinalizeAsync(KubeClient client, JsonObject resource, CancellationToken cancel)
    {
        var (ns, name) = (Namespace(resource), NameOf(resource));
        var policy = resource["spec"]?["persistentVolumeClaimRetentionPolicy"]?["whenDeleted"]?.GetValue<string>() ?? VolumeClaimRetentionPolicy.Retain;
        var deleted = policy == VolumeClaimRetentionPolicy.Delete ? await DeleteVolumeClaimsAsync(client, ns, name, cancel) : [];

        // Only Tusk's entry goes, at the index it had when read; "test" refuses if the list moved meanwhile.
        var index = ((JsonArray)resource["metadata"]!["finalizers"]!).Select(f => f?.GetValue<string>()).ToList().IndexOf(Name);
        await client.JsonPatchAsync(ApiResource.PostgresCluster, ns, name,
            [
                (JsonNode)new JsonObject { ["op"] = "test", ["path"] = $"/metadata/finalizers/{index}", ["value"] = Name },
                (JsonNode)new JsonObject { ["op"] = "remove", ["path"] = $"/metadata/finalizers/{index}" },
            ],
            cancel);
        return new ReconcileResult(policy == VolumeClaimRetentionPolicy.Delete
            ? $"{ns}/{name} is being deleted; deleted its volume claims ({(deleted.Count == 0 ? "none" : string.Join(", ", deleted))}), as spec.persistentVolumeClaimRetentionPolicy.whenDeleted is Delete"
            : $"{ns}/{name} is being deleted; its volume claims are kept (label {Labels.Cluster}={name}), as spec.persistentVolumeClaimRetentionPolicy.whenDeleted is Retain");
    }

    /// <summary>Deletes every claim labelled with the cluster (its instances' data and its repositories); returns the names deleted.</summary>
    public static async Task<IReadOnlyList<string>> DeleteVolumeClaimsAsync(KubeClient client, string ns, string cluster, CancellationToken cancel)
    {
        var deleted = new List<string>();
        foreach (var claim in (await client.ListAsync(ApiResource.PersistentVolumeClaim, ns, $"{Labels.Cluster}={cluster}", cancel)).Items)
        {
            var claimName = claim["metadata"]!["name"]!.GetValue<string>();
            if (await client.DeleteAsync(ApiResource.PersistentVolumeClaim, ns, claimName, cancel: cancel))
            {
                deleted.Add(claimName);
            }
        }

        return deleted;
    }

    private static string Namespace(JsonObject resource) => resource["metadata"]!["namespace"]!.GetValue<string>();

    private static string NameOf(JsonObject resource) => resource["metadata"]!["name"]!.GetValue<string>();
}
