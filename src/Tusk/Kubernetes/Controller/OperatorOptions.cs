using System.Collections;

namespace Tusk.Kubernetes.Controller;

/// <summary>
/// The operator's settings, from its environment: which namespaces to watch
/// (TUSK_WATCH_NAMESPACES, comma-separated; empty or unset = all) and the default images
/// (RELATED_IMAGE_POSTGRES_&lt;major&gt;, as OLM's relatedImages expect), and whether it connects
/// to the primaries to create users and roles (TUSK_CONNECT_TO_DATABASES, default true).
/// </summary>
public sealed record OperatorOptions(IReadOnlyList<string> WatchNamespaces, IReadOnlyDictionary<string, string> RelatedImages)
{
    /// <summary>
    /// The operator creates the spec's users inside PostgreSQL (<see cref="DatabaseRoles"/>). Off
    /// only where no PostgreSQL runs behind the pods: tests against an API server alone, whose
    /// pods are written by the test, must not send connections to addresses nobody owns.
    /// </summary>
    public bool ConnectToDatabases { get; init; } = true;

    /// <summary>
    /// The operator's own image, which backup Jobs run (<see cref="Builders.BackupJobBuilder"/>):
    /// TUSK_OPERATOR_IMAGE, else read from the operator's pod (<see cref="OwnImageAsync"/>).
    /// </summary>
    public string? OperatorImage { get; init; }

    /// <summary>The operator pod's own imagePullPolicy, which backup Jobs copy (null: Kubernetes' default).</summary>
    public string? OperatorImagePullPolicy { get; init; }

    public static OperatorOptions FromEnvironment()
    {
        var namespaces = (Environment.GetEnvironmentVariable("TUSK_WATCH_NAMESPACES") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var images = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && key.StartsWith("RELATED_IMAGE_", StringComparison.Ordinal) && entry.Value is string { Length: > 0 } value)
            {
                images[key] = value;
            }
        }

        var connect = Environment.GetEnvironmentVariable("TUSK_CONNECT_TO_DATABASES");
        return new OperatorOptions(namespaces, images)
        {
            ConnectToDatabases = !string.Equals(connect, "false", StringComparison.OrdinalIgnoreCase),
            OperatorImage = Environment.GetEnvironmentVariable("TUSK_OPERATOR_IMAGE") is { Length: > 0 } image ? image : null,
        };
    }

    /// <summary>
    /// The image of the operator's pod (POD_NAME and POD_NAMESPACE, set by the Deployment): the
    /// image that really runs, also after a kustomize or OLM rewrite of the reference. Null outside a pod.
    /// </summary>
    public static async Task<(string? Image, string? PullPolicy)> OwnImageAsync(Client.KubeClient client, CancellationToken cancel)
    {
        if (Environment.GetEnvironmentVariable("POD_NAME") is not { Length: > 0 } pod || Environment.GetEnvironmentVariable("POD_NAMESPACE") is not { Length: > 0 } ns)
        {
            return (null, null);
        }

        var container = ((await client.GetAsync(Client.ApiResource.Pod, ns, pod, cancel))?["spec"]?["containers"] as System.Text.Json.Nodes.JsonArray)?.FirstOrDefault();
        return (container?["image"]?.GetValue<string>(), container?["imagePullPolicy"]?.GetValue<string>());
    }

    /// <summary>The database image: the spec's, else RELATED_IMAGE_POSTGRES_&lt;major&gt;; null when neither is set.</summary>
    public string? DatabaseImage(Api.PostgresCluster cluster) =>
        cluster.Spec.Image ?? RelatedImages.GetValueOrDefault($"RELATED_IMAGE_POSTGRES_{cluster.Spec.PostgresVersion}");
}
