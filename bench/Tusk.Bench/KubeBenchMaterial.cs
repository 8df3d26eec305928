using Tusk.Kubernetes.Builders;
using Tusk.Security;

namespace Tusk.Bench;

/// <summary>One set of secret material for every cluster the bench builds itself: only the objects' sizes matter.</summary>
public sealed class KubeBenchMaterial : IDisposable
{
    private readonly CertificateAuthority _ca;

    private KubeBenchMaterial(CertificateAuthority ca, ClusterCertificates certificates)
    {
        _ca = ca;
        Certificates = certificates;
    }

    public string Password { get; } = PasswordGenerator.Generate(PasswordKind.AlphaNumeric);

    public InternalPasswords Passwords { get; } = new(
        PasswordGenerator.Generate(PasswordKind.AlphaNumeric), PasswordGenerator.Generate(PasswordKind.AlphaNumeric), PasswordGenerator.Generate(PasswordKind.AlphaNumeric), PasswordGenerator.Generate(PasswordKind.AlphaNumeric));

    public ClusterCertificates Certificates { get; }

    public static KubeBenchMaterial Create()
    {
        var ca = CertificateAuthority.Create("bench", TimeProvider.System);
        return new KubeBenchMaterial(ca, new ClusterCertificates(ca.Export(), ca.IssueServer("bench-primary", ["bench-primary"], [], TimeSpan.FromDays(1)), ca.IssueClient("_tusk_replication", TimeSpan.FromDays(1))));
    }

    public void Dispose() => _ca.Dispose();
}
