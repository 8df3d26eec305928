using System.Net;
using System.Runtime.Versioning;
using System.Security.Cryptography.X509Certificates;
using Npgsql;
using Tusk.Security;

namespace Tusk.Tests.Runtime.Local.EndToEnd;

/// <summary>spec.customTLS: your own certificate is checked before anything starts, then served by every server.</summary>
[SupportedOSPlatform("linux")]
public sealed class CustomCertificateTests
{
    [Fact]
    public async Task A_key_that_does_not_match_is_refused_with_the_reason_and_a_valid_certificate_is_served_to_clients()
    {
        await using var sandbox = new TuskSandbox();
        var port = TuskSandbox.FreePortPair();
        var dir = Directory.CreateDirectory(Path.Combine(sandbox.Home, "yours")).FullName;
        using var ca = CertificateAuthority.Create("yours", TimeProvider.System);
        var server = ca.IssueServer("hippo.example.internal", ["localhost", "hippo.example.internal"], [IPAddress.Loopback], TimeSpan.FromDays(30));
        var stranger = ca.IssueServer("stranger", ["localhost"], [IPAddress.Loopback], TimeSpan.FromDays(30));
        File.WriteAllText(Path.Combine(dir, "tls.crt"), server.CertificatePem);
        File.WriteAllText(Path.Combine(dir, "tls.key"), server.PrivateKeyPem);
        File.WriteAllText(Path.Combine(dir, "wrong.key"), stranger.PrivateKeyPem);
        File.WriteAllText(Path.Combine(dir, "ca.crt"), ca.CertificatePem);
        string Manifest(string key) => TuskSandbox.Manifest("own", port, replicas: 1) + $"""

              customTLS:
                certificate: {dir}/tls.crt
                privateKey: {dir}/{key}
                ca: {dir}/ca.crt
            """;

        var refused = await sandbox.RunAsync("apply", "-f", sandbox.WriteManifest("own", Manifest("wrong.key")));
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains($"spec.customTLS.privateKey: {dir}/wrong.key is not the private key of the certificate", refused.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(sandbox.ClusterPath("own")), "a refused cluster left files behind");

        await sandbox.RunOkAsync("apply", "-f", sandbox.WriteManifest("own", Manifest("tls.key")), "--wait", "--timeout", "150s");
        var cluster = await sandbox.ClusterAsync("own");
        var expected = X509Certificate2.CreateFromPem(server.CertificatePem).SerialNumber;
        Assert.Equal(expected, cluster.Status!.Certificates!.Single().Serial);

        // A client that trusts only your CA connects with verify-full through the primary endpoint.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "app",
            Password = sandbox.Secret("own", "user-app"),
            Database = "app",
            SslMode = SslMode.VerifyFull,
            RootCertificate = Path.Combine(dir, "ca.crt"),
            Pooling = false,
        }.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal(true, await TuskSandbox.ScalarAsync(connection, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));

        var details = System.Text.Json.Nodes.JsonNode.Parse((await sandbox.RunOkAsync("show", "user", "own", "app", "-o", "json")).Out)!;
        Assert.Equal(Path.Combine(dir, "ca.crt"), (string?)details["ca"]);
    }
}
