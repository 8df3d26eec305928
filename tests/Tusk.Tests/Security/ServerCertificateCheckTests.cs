using System.Net;
using Tusk.Security;

namespace Tusk.Tests.Security;

public sealed class ServerCertificateCheckTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly string[] Endpoints = ["127.0.0.1", "localhost"];

    [Fact]
    public void A_certificate_issued_by_the_ca_for_the_endpoints_with_its_own_key_passes()
    {
        using var ca = CertificateAuthority.Create("yours", new FakeTimeProvider(Now));
        var server = ca.IssueServer("db", ["localhost"], [IPAddress.Loopback], TimeSpan.FromDays(30));

        Assert.Empty(ServerCertificateCheck.Check(server.CertificatePem, server.PrivateKeyPem, ca.CertificatePem, Endpoints, Now));
    }

    [Fact]
    public void Another_key_another_ca_missing_names_and_expiry_are_each_named_with_what_to_do()
    {
        var clock = new FakeTimeProvider(Now.AddDays(-60));
        using var ca = CertificateAuthority.Create("yours", clock);
        using var other = CertificateAuthority.Create("other", clock);
        var server = ca.IssueServer("db", ["db.example.internal"], [], TimeSpan.FromDays(30));
        var stranger = ca.IssueServer("db", ["localhost"], [IPAddress.Loopback], TimeSpan.FromDays(90));

        var problems = ServerCertificateCheck.Check(server.CertificatePem, stranger.PrivateKeyPem, other.CertificatePem, Endpoints, Now);

        Assert.Contains(("privateKey", "is not the private key of the certificate (or not an unencrypted PEM key); give the key the certificate was issued for"), problems);
        Assert.Contains(problems, p => p.Field == "ca" && p.Message.StartsWith("does not verify the certificate \"CN=db\"", StringComparison.Ordinal));
        Assert.Contains(("certificate", "does not cover 127.0.0.1 and localhost, where clients connect; issue it with those names in subjectAltName (IP:127.0.0.1, DNS:localhost)"), problems);
        Assert.Contains(problems, p => p.Field == "certificate" && p.Message.StartsWith("expired on ", StringComparison.Ordinal));
    }

    [Fact]
    public void Text_that_is_not_pem_is_refused_as_such()
    {
        var problems = ServerCertificateCheck.Check("hello", "", "", Endpoints, Now);

        Assert.Equal([("certificate", "is not a PEM certificate (-----BEGIN CERTIFICATE-----)")], problems);
    }
}
