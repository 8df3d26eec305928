using System.Text.Json.Serialization;

namespace Tusk.Images.Discovery;

/// <summary>
/// One place an image is used: which object and container, where it is written, and what the
/// kubelet will do with it (pull policy, the runAsNonRoot check, the user it forces).
/// </summary>
public sealed record ImageUse
{
    /// <summary>The normalised reference (docker.io/library/busybox:latest).</summary>
    public required string Image { get; init; }

    /// <summary>The text as written in the manifest.</summary>
    public required string Written { get; init; }

    public required string File { get; init; }
    public required int Line { get; init; }

    /// <summary>Kind/namespace/name of the object, e.g. Deployment/local-path-storage/local-path-provisioner.</summary>
    public required string Owner { get; init; }

    /// <summary>The container, e.g. "container app", "initContainer init", "helper pod (helperPod.yaml)".</summary>
    public required string Container { get; init; }

    /// <summary>The container's imagePullPolicy, or the kubelet's default (Always for :latest or no tag, else IfNotPresent).</summary>
    public required string PullPolicy { get; init; }

    /// <summary>true when the pod or container sets runAsNonRoot, so the image's user must be numeric and not 0.</summary>
    public bool RunAsNonRoot { get; init; }

    /// <summary>runAsUser from the container or pod: when set it overrides the image's user.</summary>
    public long? RunAsUser { get; init; }

    /// <summary>For the database image: the libraries shared_preload_libraries names (they must exist in the image).</summary>
    public IReadOnlyList<string>? PreloadLibraries { get; init; }

    /// <summary>For a PostgresCluster component: the operator's RELATED_IMAGE_* variable that names this image.</summary>
    public string? RelatedImage { get; init; }

    [JsonIgnore]
    public string Where => Line == 0 ? $"{Owner} {Container}".Trim() : $"{Owner} {Container} ({System.IO.Path.GetFileName(File)}:{Line})";

    /// <summary>The kubelet's default policy when a container does not set one.</summary>
    public static string DefaultPullPolicy(ImageReference? reference) =>
        reference is null || (reference.Digest is null && reference.Tag is null or "latest") ? "Always" : "IfNotPresent";
}
