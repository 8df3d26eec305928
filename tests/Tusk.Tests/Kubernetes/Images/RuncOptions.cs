namespace Tusk.Tests.Kubernetes.Images;

/// <summary>
/// What a pod would add around a container: tmpfs where it has emptyDirs, read-only files it
/// mounts (Secrets, ConfigMaps), environment, and for reaching a server on the host's loopback
/// (the test's kube-apiserver) the host's network instead of a network namespace of its own.
/// </summary>
public sealed record RuncOptions
{
    public IReadOnlyList<string> Tmpfs { get; init; } = [];
    public IReadOnlyList<(string Source, string Destination)> ReadOnlyBinds { get; init; } = [];
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();
    public bool HostNetwork { get; init; }
}
