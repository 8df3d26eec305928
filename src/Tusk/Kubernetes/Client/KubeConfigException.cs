namespace Tusk.Kubernetes.Client;

/// <summary>A kubeconfig or service account that cannot be used; the message names the file and the entry.</summary>
public sealed class KubeConfigException(string message) : Exception(message);
