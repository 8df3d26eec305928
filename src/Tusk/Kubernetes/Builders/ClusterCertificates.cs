using Tusk.Security;

namespace Tusk.Kubernetes.Builders;

/// <summary>
/// The cluster's TLS material, issued by the controller from the namespace's root CA: the
/// server certificate every instance presents (names of all Services), and the client
/// certificate of the replication role.
/// </summary>
public sealed record ClusterCertificates(PemPair RootCa, PemPair Server, PemPair Replication);
