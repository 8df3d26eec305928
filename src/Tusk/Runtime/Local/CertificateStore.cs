using System.Net;
using Tusk.Security;

namespace Tusk.Runtime.Local;

/// <summary>
/// Tusk's own CA (created once per state directory) and a server certificate per member and
/// pooler, reissued before expiry as the <see cref="CertificatePolicy"/> says (by default 90
/// days, renewed 7 days before: CloudNativePG's figures).
/// </summary>
public sealed class CertificateStore(TuskHome home, ServiceAccount account, TimeProvider clock, CertificatePolicy policy)
{

    /// <summary>Copies the user's certificate, key (0600) and CA into a server's TLS directory. True when files changed, so the server must reload.</summary>
    public bool InstallCustom(Planning.CustomTlsFiles files, string directory)
    {
        account.Directory(directory, Modes.PrivateDirectory);
        var changed = false;
        foreach (var (source, name, mode) in new[] { (files.Certificate, "server.crt", Modes.PublicFile), (files.PrivateKey, "server.key", Modes.PrivateFile), (files.Ca, "ca.crt", Modes.PublicFile) })
        {
            changed |= account.WriteIfChanged(Path.Combine(directory, name), File.ReadAllText(source), mode);
        }

        return changed;
    }

    /// <summary>Serial and expiry of the server certificate in a TLS directory; null when there is none.</summary>
    public static Api.CertificateStatus? Describe(string name, string directory)
    {
        var path = Path.Combine(directory, "server.crt");
        if (!File.Exists(path))
        {
            return null;
        }

        using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(path));
        return new Api.CertificateStatus(name, certificate.SerialNumber, new DateTimeOffset(certificate.NotAfter).ToUniversalTime());
    }

    public CertificateAuthority LoadOrCreateCa()
    {
        if (File.Exists(home.CaCertificate) && File.Exists(home.CaKey))
        {
            return CertificateAuthority.Load(File.ReadAllText(home.CaCertificate), SecretFile.Read(home.CaKey), clock);
        }

        Directory.CreateDirectory(home.CaDirectory);
        var ca = CertificateAuthority.Create(Path.GetFileName(home.Root), clock);
        var pem = ca.Export();
        SecretFile.Write(home.CaKey, pem.PrivateKeyPem);
        SecretFile.WriteAllTextAtomic(home.CaCertificate, pem.CertificatePem, Modes.PublicFile);
        return ca;
    }

    /// <summary>Issues (or renews) the member's server certificate. True when files changed, so the server must reload.</summary>
    public bool EnsureServerCertificate(CertificateAuthority ca, LocalMember member) => EnsureServerCertificate(ca, member.Name, member.TlsDirectory);

    /// <summary>The same for any server of the cluster (the pooler): server.crt, server.key and ca.crt in the directory.</summary>
    public bool EnsureServerCertificate(CertificateAuthority ca, string name, string directory)
    {
        account.Directory(directory, Modes.PrivateDirectory);
        var certificate = Path.Combine(directory, "server.crt");
        var caCopy = Path.Combine(directory, "ca.crt");
        // A different CA file means the directory held the user's own certificate until now.
        var fromAnotherCa = !File.Exists(caCopy) || File.ReadAllText(caCopy) != ca.CertificatePem;
        if (fromAnotherCa)
        {
            SecretFile.WriteAllTextAtomic(caCopy, ca.CertificatePem, Modes.PublicFile);
            account.Own(caCopy);
        }

        if (!fromAnotherCa && File.Exists(certificate) && !CertificateAuthority.NeedsRenewal(File.ReadAllText(certificate), clock, policy.RenewBefore))
        {
            return false;
        }

        var pem = ca.IssueServer(name, ["localhost", name], [IPAddress.Loopback, IPAddress.IPv6Loopback], policy.Lifetime);
        var key = Path.Combine(directory, "server.key");
        SecretFile.Write(key, pem.PrivateKeyPem);
        account.Own(key);
        SecretFile.WriteAllTextAtomic(certificate, pem.CertificatePem, Modes.PublicFile);
        account.Own(certificate);
        return true;
    }
}
