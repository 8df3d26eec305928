using System.Diagnostics;
using System.Net;
using System.Runtime.Versioning;
using System.Security.Cryptography.X509Certificates;
using Tusk.Runtime.Local;
using Tusk.Runtime.Local.Processes;
using Tusk.Security;

namespace Tusk.Tests.Runtime.Local.EndToEnd;

/// <summary>Certificates near expiry are renewed and picked up by reloads: no server restarts, existing connections continue.</summary>
[SupportedOSPlatform("linux")]
public sealed class CertificateRenewalTests
{
    [Fact]
    public async Task A_certificate_forced_near_expiry_is_renewed_new_connections_see_the_new_serial_and_existing_ones_continue()
    {
        await using var sandbox = new TuskSandbox();
        var port = TuskSandbox.FreePortPair();
        var poolerPort = PortAllocator.FreePort(new HashSet<int> { port, port + 1 });
        var manifest = TuskSandbox.Manifest("renew", port, replicas: 1) + $"""

              proxy:
                pgBouncer:
                  port: {poolerPort}
            """;
        await sandbox.RunOkAsync("apply", "-f", sandbox.WriteManifest("renew", manifest), "--wait", "--timeout", "150s");
        var before = await sandbox.ClusterAsync("renew");
        var member = before.Status!.Instances.Single();
        Assert.Equal(["renew-instance1-0", "renew-pgbouncer"], before.Status.Certificates!.Select(c => c.Name));
        Assert.Contains("Certificates (renewed 7 days before expiry):", (await sandbox.RunOkAsync("describe", "cluster", "renew")).Out, StringComparison.Ordinal);
        var postmaster = PostmasterPid(sandbox, member.Name);
        Assert.NotNull(postmaster);

        // Both servers' certificates now expire in two days, within the 7-day renewal window.
        var memberTls = Path.Combine(sandbox.ClusterPath("renew"), "members", member.Name, "tls");
        var poolerTls = Path.Combine(sandbox.ClusterPath("renew"), "pgbouncer", "tls");
        var shortLived = new[] { ReplaceWithShortLived(sandbox, member.Name, memberTls), ReplaceWithShortLived(sandbox, "renew-pgbouncer", poolerTls) };
        await using var existing = await sandbox.ConnectAsync("renew", member.Port);

        // A new agent prepares the cluster on its first cycle (the running one does so hourly).
        await sandbox.RunOkAsync("agent", "stop");
        await sandbox.RunOkAsync("agent", "start");

        foreach (var (port_, tls, old) in new[] { (member.Port, memberTls, shortLived[0]), (poolerPort, poolerTls, shortLived[1]) })
        {
            await sandbox.WaitUntilAsync($"port {port_} serves a renewed certificate", TimeSpan.FromSeconds(60), async () =>
            {
                var onDisk = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(tls, "server.crt")));
                var served = await ServedSerialAsync(port_);
                return onDisk.SerialNumber != old && served == onDisk.SerialNumber && onDisk.NotAfter > DateTime.UtcNow.AddDays(80);
            });
        }

        Assert.Equal(1, await TuskSandbox.ScalarAsync(existing, "SELECT 1"));
        Assert.Equal(postmaster, PostmasterPid(sandbox, member.Name));
    }

    private static string ReplaceWithShortLived(TuskSandbox sandbox, string name, string tls)
    {
        using var ca = CertificateAuthority.Load(File.ReadAllText(Path.Combine(sandbox.Home, "ca", "ca.crt")), File.ReadAllText(Path.Combine(sandbox.Home, "ca", "ca.key")), TimeProvider.System);
        var pem = ca.IssueServer(name, ["localhost", name], [IPAddress.Loopback], TimeSpan.FromDays(2));
        File.WriteAllText(Path.Combine(tls, "server.crt"), pem.CertificatePem);
        File.WriteAllText(Path.Combine(tls, "server.key"), pem.PrivateKeyPem);
        return X509Certificate2.CreateFromPem(pem.CertificatePem).SerialNumber;
    }

    /// <summary>The serial of the certificate a server presents after PostgreSQL's SSLRequest (PgBouncer speaks the same protocol).</summary>
    private static async Task<string> ServedSerialAsync(int port)
    {
        using var openssl = Process.Start(new ProcessStartInfo("sh", ["-c", $"openssl s_client -starttls postgres -connect 127.0.0.1:{port} </dev/null 2>/dev/null | openssl x509 -noout -serial"]) { RedirectStandardOutput = true })!;
        var output = (await openssl.StandardOutput.ReadToEndAsync()).Trim();
        await openssl.WaitForExitAsync();
        return output.StartsWith("serial=", StringComparison.Ordinal) ? output["serial=".Length..] : "";
    }

    private static int? PostmasterPid(TuskSandbox sandbox, string member) =>
        ProcessProbe.ReadPidFile(Path.Combine(sandbox.ClusterPath("renew"), "members", member, "data", "postmaster.pid"));
}
