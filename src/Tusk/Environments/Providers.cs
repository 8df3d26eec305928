namespace Tusk.Environments;

/// <summary>The Kubernetes-in-containers tools an environment can be created with.</summary>
public static class Providers
{
    public const string K3d = "k3d";
    public const string Kind = "kind";

    public static readonly IReadOnlyList<string> All = [K3d, Kind];
}
