using System.Collections;

namespace Tusk.Kubernetes.Controller;

/// <summary>
/// The operator's settings, from its environment: which namespaces to watch
/// (TUSK_WATCH_NAMESPACES, comma-separated; empty or unset = all) and the default images
/// (RELATED_IMAGE_POSTGRES_&lt;major&gt;, as OLM's relatedImages expect).
/// </summary>
public sealed record OperatorOptions(IReadOnlyList<string> WatchNamespaces, IReadOnlyDictionary<string, string> RelatedImages)
{
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

        return new OperatorOptions(namespaces, images);
    }

    /// <summary>The database image: the spec's, else RELATED_IMAGE_POSTGRES_&lt;major&gt;; null when neither is set.</summary>
    public string? DatabaseImage(Api.PostgresCluster cluster) =>
        cluster.Spec.Image ?? RelatedImages.GetValueOrDefault($"RELATED_IMAGE_POSTGRES_{cluster.Spec.PostgresVersion}");
}
