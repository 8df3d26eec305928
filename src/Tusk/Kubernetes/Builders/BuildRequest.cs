using Tusk.Api;
using Tusk.Planning;

namespace Tusk.Kubernetes.Builders;

/// <summary>
/// Everything the builders need, gathered by the controller beforehand so the builders stay
/// pure: the defaulted resource and its plan, the resource's UID (owner references, names),
/// decisions from API discovery, and secret material the controller generated or read back
/// (builders never generate passwords or keys: that would make them impure).
/// </summary>
public sealed record BuildRequest(
    PostgresCluster Cluster,
    ClusterPlan Plan,
    string Uid,
    string Image,
    string PodDisruptionBudgetApiVersion,
    IReadOnlyDictionary<string, string> UserPasswords,
    InternalPasswords Internal,
    ClusterCertificates Certificates)
{
    public string Name => Plan.Name;
    public string Namespace => Plan.Namespace;
}
