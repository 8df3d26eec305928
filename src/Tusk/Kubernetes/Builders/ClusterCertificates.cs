using Tusk.Security;

namespace Tusk.Kubernetes.Builders;

/// <summary>
/// The cluster's TLS material, issued by the controller from the namespace's root CA: the
/// server certificate every instance presents (names of all Services), and the client
/// certificate of the replication role. With spec.customTLSSecret the server certificate is the
/// user's and <paramref name="CustomCa"/> the CA that issued it.
/// </summary>
public sealed record ClusterCertificates(PemPair RootCa, PemPair Server, PemPair Replication, string? CustomCa = null)
{
    /// <summary>What the pods trust (ca.crt): Tusk's root CA, and the user's CA when the server certificate is the user's.</summary>
    public string CaBundle => Bundle(RootCa, CustomCa);

    public static string Bundle(PemPair rootCa, string? customCa) => customCa is null ? rootCa.CertificatePem : customCa.TrimEnd() + "\n" + rootCa.CertificatePem;
}
