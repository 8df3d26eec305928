using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tusk.Security;

/// <summary>
/// A small private CA, one per cluster, that issues the TLS certificates of PostgreSQL, Patroni's REST API
/// and client certificates (e.g. for replication). Its certificate is what clients pin with
/// <c>sslmode=verify-full sslrootcert=ca.crt</c>.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    // Clocks of the machines in a cluster are never perfectly in sync; backdating a little keeps a
    // freshly issued certificate from being "not yet valid" on a peer whose clock is behind.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private const int CaLifetimeYears = 10;
    private const int SerialLength = 16;

    // The OIDs of the extended key usages, from RFC 5280.
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    private readonly X509Certificate2 _certificate;
    private readonly ECDsa _key;
    private readonly TimeProvider _clock;

    private CertificateAuthority(X509Certificate2 certificate, ECDsa key, TimeProvider clock)
    {
        _certificate = certificate;
        _key = key;
        _clock = clock;
    }

    /// <summary>The CA certificate as PEM: what clients and servers trust (sslrootcert, ssl_ca_file).</summary>
    public string CertificatePem => _certificate.ExportCertificatePem();

    /// <summary>When the CA certificate expires; nothing it issues outlives this.</summary>
    public DateTimeOffset NotAfter => new DateTimeOffset(_certificate.NotAfter).ToUniversalTime();

    /// <summary>Creates a new self-signed CA named "Tusk CA &lt;name&gt;", valid for 10 years.</summary>
    public static CertificateAuthority Create(string name, TimeProvider clock)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(clock);

        // P-256: universally supported by OpenSSL/libpq and far cheaper than RSA for handshakes.
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        try
        {
            var subject = new X500DistinguishedNameBuilder();
            subject.AddCommonName($"Tusk CA {name}");
            var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);

            // pathLength 0: this CA signs leaves only, never intermediate CAs.
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
            var subjectKeyId = new X509SubjectKeyIdentifierExtension(request.PublicKey, false);
            request.CertificateExtensions.Add(subjectKeyId);
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(subjectKeyId));

            var now = clock.GetUtcNow();
            var notBefore = now - ClockSkew;
            // Signed through a generator rather than CreateSelfSigned so the serial is ours (16 random bytes)
            // and the certificate object carries no private key: the key lives in _key alone.
            var certificate = request.Create(
                request.SubjectName, X509SignatureGenerator.CreateForECDsa(key), notBefore, now.AddYears(CaLifetimeYears), NewSerial());
            return new CertificateAuthority(certificate, key, clock);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loads a CA saved with <see cref="Export"/>. Fails if the PEM is not a CA certificate or the key does not belong to it,
    /// so a mixed-up pair of files is caught here instead of as a TLS failure on some other machine later.
    /// </summary>
    public static CertificateAuthority Load(string certPem, string keyPem, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(certPem);
        ArgumentNullException.ThrowIfNull(keyPem);
        ArgumentNullException.ThrowIfNull(clock);

        var certificate = X509Certificate2.CreateFromPem(certPem);
        var key = ECDsa.Create();
        try
        {
            if (!certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(e => e.CertificateAuthority))
            {
                throw new ArgumentException("The certificate is not a CA certificate.", nameof(certPem));
            }

            key.ImportFromPem(keyPem);
            using var certPublicKey = certificate.GetECDsaPublicKey()
                ?? throw new ArgumentException("The CA certificate does not have an ECDSA key.", nameof(certPem));
            if (!certPublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
            {
                throw new ArgumentException("The private key does not belong to the CA certificate.", nameof(keyPem));
            }

            return new CertificateAuthority(certificate, key, clock);
        }
        catch
        {
            key.Dispose();
            certificate.Dispose();
            throw;
        }
    }

    /// <summary>The CA certificate and its private key, for saving (the key with <see cref="SecretFile"/>).</summary>
    public PemPair Export() => new(CertificatePem, _key.ExportPkcs8PrivateKeyPem());

    /// <summary>
    /// Issues a certificate for a server: PostgreSQL, or Patroni's REST API. It also carries clientAuth because
    /// the same member identity is used when it connects to its peers (replication, Patroni to Patroni).
    /// </summary>
    /// <param name="commonName">The subject CN; clients check the SANs, which must list every name and address they dial.</param>
    public PemPair IssueServer(string commonName, IEnumerable<string> dnsNames, IEnumerable<IPAddress> ips, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(dnsNames);
        ArgumentNullException.ThrowIfNull(ips);

        var sans = new SubjectAlternativeNameBuilder();
        var any = false;
        foreach (var dnsName in dnsNames)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(dnsName, nameof(dnsNames));
            sans.AddDnsName(dnsName);
            any = true;
        }

        foreach (var ip in ips)
        {
            ArgumentNullException.ThrowIfNull(ip, nameof(ips));
            sans.AddIpAddress(ip);
            any = true;
        }

        // libpq's verify-full checks the SANs and only falls back to the CN when there are none;
        // a server certificate without SANs is almost certainly a mistake.
        if (!any)
        {
            throw new ArgumentException("A server certificate needs at least one DNS name or IP address.", nameof(dnsNames));
        }

        return Issue(commonName, lifetime, [ServerAuthOid, ClientAuthOid], sans.Build(critical: false));
    }

    /// <summary>
    /// Issues a client certificate. PostgreSQL's <c>cert</c> authentication maps the CN to the role name,
    /// so <paramref name="commonName"/> is normally the PostgreSQL user.
    /// </summary>
    public PemPair IssueClient(string commonName, TimeSpan lifetime) => Issue(commonName, lifetime, [ClientAuthOid], null);

    /// <summary>When the first certificate in <paramref name="certPem"/> expires, or null if it holds no readable certificate.</summary>
    public static DateTimeOffset? ExpiresAt(string certPem)
    {
        ArgumentNullException.ThrowIfNull(certPem);
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(certPem);
            return new DateTimeOffset(certificate.NotAfter).ToUniversalTime();
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether the certificate expires within <paramref name="renewBefore"/> of now (or already has).
    /// An unreadable certificate needs renewal too: replacing it is the only way to get a working one.
    /// </summary>
    public static bool NeedsRenewal(string certPem, TimeProvider clock, TimeSpan renewBefore)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var expiresAt = ExpiresAt(certPem);
        return expiresAt is null || clock.GetUtcNow() >= expiresAt.Value - renewBefore;
    }

    public void Dispose()
    {
        _key.Dispose();
        _certificate.Dispose();
    }

    private PemPair Issue(string commonName, TimeSpan lifetime, string[] usages, X509Extension? subjectAlternativeNames)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);

        // Each leaf gets its own key, so one compromised member does not expose the others.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(commonName);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);

        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        // ECDHE key exchange only needs the key to sign the handshake; keyEncipherment is RSA-only.
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var enhancedUsages = new OidCollection();
        foreach (var usage in usages)
        {
            enhancedUsages.Add(new Oid(usage));
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(enhancedUsages, false));
        if (subjectAlternativeNames is not null)
        {
            request.CertificateExtensions.Add(subjectAlternativeNames);
        }

        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_certificate, true, false));

        // A leaf may not outlive its CA (CertificateRequest.Create refuses, and it would be useless anyway),
        // nor start before it, which a clock that went backwards could otherwise cause.
        var now = _clock.GetUtcNow();
        var caNotBefore = new DateTimeOffset(_certificate.NotBefore).ToUniversalTime();
        var notBefore = Max(now - ClockSkew, caNotBefore);
        var notAfter = Min(now + lifetime, NotAfter);
        if (notAfter <= notBefore)
        {
            throw new InvalidOperationException("The CA has expired; create a new CA before issuing certificates.");
        }

        using var certificate = request.Create(_certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(_key), notBefore, notAfter, NewSerial());
        return new PemPair(certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    // RFC 5280 serials are positive and at most 20 octets; CAs should put at least 64 random bits in them so
    // certificates cannot be predicted. Forcing the top byte into 0x40..0x7F keeps the number positive and its DER
    // encoding exactly 16 bytes (no sign padding, no leading zero to strip) while leaving 126 random bits.
    private static byte[] NewSerial()
    {
        var serial = RandomNumberGenerator.GetBytes(SerialLength);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x40);
        return serial;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
