using System.Net;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tusk.Security;

namespace Tusk.Tests.Security;

// Tusk itself is Linux-only ([assembly: SupportedOSPlatform("linux")]).
[SupportedOSPlatform("linux")]
public class CertificateAuthorityTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 15, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_CA_is_a_self_signed_P256_certificate_authority_named_after_the_cluster_valid_for_ten_years()
    {
        using var ca = CertificateAuthority.Create("main", new FakeTimeProvider(Now));
        using var cert = X509Certificate2.CreateFromPem(ca.CertificatePem);

        Assert.Equal("CN=Tusk CA main", cert.Subject);
        Assert.Equal(cert.Subject, cert.Issuer);
        using var key = cert.GetECDsaPublicKey();
        Assert.NotNull(key);
        Assert.Equal(256, key.KeySize);
        var constraints = cert.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(constraints.CertificateAuthority);
        Assert.True(constraints.Critical);
        var usage = cert.Extensions.OfType<X509KeyUsageExtension>().Single();
        Assert.True(usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign));
        Assert.Equal(Now.AddYears(10), ToUtc(cert.NotAfter));
        Assert.Equal(Now.AddYears(10), ca.NotAfter);
    }

    [Fact]
    public void An_issued_server_certificate_chains_to_the_CA()
    {
        var clock = new FakeTimeProvider(Now);
        using var ca = CertificateAuthority.Create("main", clock);
        var issued = ca.IssueServer("db-0", ["db-0.example.internal", "localhost"], [IPAddress.Loopback], TimeSpan.FromDays(90));

        using var leaf = X509Certificate2.CreateFromPem(issued.CertificatePem);
        using var root = X509Certificate2.CreateFromPem(ca.CertificatePem);
        using var chain = NewChain(root, clock.GetUtcNow());

        Assert.True(chain.Build(leaf), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.Equal(2, chain.ChainElements.Count);
        Assert.Equal(root.Thumbprint, chain.ChainElements[1].Certificate.Thumbprint);
    }

    [Fact]
    public void An_issued_certificate_does_not_chain_to_another_CA()
    {
        var clock = new FakeTimeProvider(Now);
        using var ca = CertificateAuthority.Create("main", clock);
        using var other = CertificateAuthority.Create("main", clock);
        var issued = ca.IssueServer("db-0", ["localhost"], [], TimeSpan.FromDays(90));

        using var leaf = X509Certificate2.CreateFromPem(issued.CertificatePem);
        using var otherRoot = X509Certificate2.CreateFromPem(other.CertificatePem);
        using var chain = NewChain(otherRoot, clock.GetUtcNow());

        Assert.False(chain.Build(leaf));
    }

    [Fact]
    public void A_server_certificate_carries_its_names_addresses_and_both_TLS_usages()
    {
        var clock = new FakeTimeProvider(Now);
        using var ca = CertificateAuthority.Create("main", clock);
        var v6 = IPAddress.Parse("fd00::5");
        var issued = ca.IssueServer("db-0", ["db-0.example.internal", "localhost"], [IPAddress.Loopback, v6], TimeSpan.FromDays(90));

        using var leaf = X509Certificate2.CreateFromPem(issued.CertificatePem);
        Assert.Equal("CN=db-0", leaf.Subject);
        var sans = leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["db-0.example.internal", "localhost"], sans.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback, v6], sans.EnumerateIPAddresses());
        var usages = leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value);
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], usages);
        Assert.False(leaf.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.True(leaf.MatchesHostname("localhost"));
        Assert.True(leaf.MatchesHostname("127.0.0.1"));
        Assert.False(leaf.MatchesHostname("db-1.example.internal"));
    }

    [Fact]
    public void An_issued_certificate_is_backdated_five_minutes_and_lasts_its_lifetime()
    {
        var clock = new FakeTimeProvider(Now);
        using var ca = CertificateAuthority.Create("main", clock);
        clock.Advance(TimeSpan.FromDays(3));
        var issued = ca.IssueClient("replicator", TimeSpan.FromDays(30));

        using var leaf = X509Certificate2.CreateFromPem(issued.CertificatePem);
        Assert.Equal(clock.Now - TimeSpan.FromMinutes(5), ToUtc(leaf.NotBefore));
        Assert.Equal(clock.Now + TimeSpan.FromDays(30), ToUtc(leaf.NotAfter));
        Assert.Equal(clock.Now + TimeSpan.FromDays(30), CertificateAuthority.ExpiresAt(issued.CertificatePem));
    }

    [Fact]
    public void A_certificate_never_outlives_its_CA()
    {
        var clock = new FakeTimeProvider(Now);
        using var ca = CertificateAuthority.Create("main", clock);
        var issued = ca.IssueClient("replicator", TimeSpan.FromDays(365 * 20));

        Assert.Equal(ca.NotAfter, CertificateAuthority.ExpiresAt(issued.CertificatePem));
    }

    [Fact]
    public void A_client_certificate_has_the_user_as_common_name_and_only_client_auth()
    {
        var clock = new FakeTimeProvider(Now);
        using var ca = CertificateAuthority.Create("main", clock);
        var issued = ca.IssueClient("replicator", TimeSpan.FromDays(30));

        using var leaf = X509Certificate2.CreateFromPem(issued.CertificatePem);
        using var root = X509Certificate2.CreateFromPem(ca.CertificatePem);
        using var chain = NewChain(root, clock.GetUtcNow());
        Assert.True(chain.Build(leaf));
        Assert.Equal("CN=replicator", leaf.Subject);
        Assert.Empty(leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        var usages = leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value);
        Assert.Equal(["1.3.6.1.5.5.7.3.2"], usages);
    }

    [Fact]
    public void Issued_certificates_have_distinct_positive_16_byte_serials_and_their_own_keys()
    {
        var clock = new FakeTimeProvider(Now);
        using var ca = CertificateAuthority.Create("main", clock);
        var a = ca.IssueClient("a", TimeSpan.FromDays(1));
        var b = ca.IssueClient("a", TimeSpan.FromDays(1));

        using var certA = X509Certificate2.CreateFromPem(a.CertificatePem);
        using var certB = X509Certificate2.CreateFromPem(b.CertificatePem);
        var serialA = certA.SerialNumberBytes.ToArray();
        Assert.Equal(16, serialA.Length);
        Assert.True(serialA[0] < 0x80);
        Assert.NotEqual(certA.SerialNumber, certB.SerialNumber);
        Assert.NotEqual(a.PrivateKeyPem, b.PrivateKeyPem);
    }

    [Fact]
    public void Issued_keys_are_unencrypted_PKCS8_PEM_that_match_the_certificate()
    {
        var clock = new FakeTimeProvider(Now);
        using var ca = CertificateAuthority.Create("main", clock);
        var issued = ca.IssueServer("db-0", ["localhost"], [], TimeSpan.FromDays(1));

        Assert.StartsWith("-----BEGIN CERTIFICATE-----", issued.CertificatePem);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", issued.PrivateKeyPem);
        using var withKey = X509Certificate2.CreateFromPem(issued.CertificatePem, issued.PrivateKeyPem);
        Assert.True(withKey.HasPrivateKey);
    }

    [Fact]
    public void A_CA_saved_as_PEM_loads_back_and_issues_certificates_that_chain_to_the_original()
    {
        var clock = new FakeTimeProvider(Now);
        PemPair saved;
        string originalPem;
        using (var original = CertificateAuthority.Create("main", clock))
        {
            saved = original.Export();
            originalPem = original.CertificatePem;
        }

        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", saved.PrivateKeyPem);
        using var loaded = CertificateAuthority.Load(saved.CertificatePem, saved.PrivateKeyPem, clock);
        Assert.Equal(originalPem, loaded.CertificatePem);
        var issued = loaded.IssueServer("db-0", ["localhost"], [], TimeSpan.FromDays(1));

        using var leaf = X509Certificate2.CreateFromPem(issued.CertificatePem);
        using var root = X509Certificate2.CreateFromPem(originalPem);
        using var chain = NewChain(root, clock.GetUtcNow());
        Assert.True(chain.Build(leaf));
    }

    [Fact]
    public void Loading_a_CA_with_someone_elses_key_fails()
    {
        var clock = new FakeTimeProvider(Now);
        using var ca = CertificateAuthority.Create("main", clock);
        using var other = CertificateAuthority.Create("other", clock);

        Assert.Throws<ArgumentException>(() => CertificateAuthority.Load(ca.CertificatePem, other.Export().PrivateKeyPem, clock));
    }

    [Fact]
    public void Loading_a_leaf_certificate_as_a_CA_fails()
    {
        var clock = new FakeTimeProvider(Now);
        using var ca = CertificateAuthority.Create("main", clock);
        var leaf = ca.IssueClient("x", TimeSpan.FromDays(1));

        Assert.Throws<ArgumentException>(() => CertificateAuthority.Load(leaf.CertificatePem, leaf.PrivateKeyPem, clock));
    }

    [Fact]
    public void A_server_certificate_without_any_name_or_address_is_refused()
    {
        using var ca = CertificateAuthority.Create("main", new FakeTimeProvider(Now));

        Assert.Throws<ArgumentException>(() => ca.IssueServer("db-0", [], [], TimeSpan.FromDays(1)));
    }

    [Fact]
    public void NeedsRenewal_flips_once_the_clock_reaches_the_renewal_window()
    {
        var clock = new FakeTimeProvider(Now);
        using var ca = CertificateAuthority.Create("main", clock);
        var pem = ca.IssueServer("db-0", ["localhost"], [], TimeSpan.FromDays(90)).CertificatePem;
        var renewBefore = TimeSpan.FromDays(30);

        Assert.False(CertificateAuthority.NeedsRenewal(pem, clock, renewBefore));
        clock.Advance(TimeSpan.FromDays(60) - TimeSpan.FromSeconds(1));
        Assert.False(CertificateAuthority.NeedsRenewal(pem, clock, renewBefore));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(CertificateAuthority.NeedsRenewal(pem, clock, renewBefore));
        clock.Advance(TimeSpan.FromDays(365));
        Assert.True(CertificateAuthority.NeedsRenewal(pem, clock, renewBefore));
    }

    [Fact]
    public void An_unreadable_certificate_has_no_expiry_and_needs_renewal()
    {
        Assert.Null(CertificateAuthority.ExpiresAt("not a certificate"));
        Assert.True(CertificateAuthority.NeedsRenewal("", new FakeTimeProvider(Now), TimeSpan.Zero));
    }

    [Fact]
    public void A_pem_pair_does_not_print_its_private_key()
    {
        using var ca = CertificateAuthority.Create("main", new FakeTimeProvider(Now));
        var pair = ca.Export();

        Assert.DoesNotContain("PRIVATE KEY", pair.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", $"{pair}", StringComparison.Ordinal);
    }

    private static X509Chain NewChain(X509Certificate2 root, DateTimeOffset at)
    {
        var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        return chain;
    }

    private static DateTimeOffset ToUtc(DateTime local) => new DateTimeOffset(local).ToUniversalTime();
}
