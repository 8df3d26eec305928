using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Npgsql;
using Tusk.Runtime.Local;

namespace Tusk.Tests.Runtime.Local.EndToEnd;

/// <summary>The cluster's PgBouncer: TLS verified against Tusk's CA, passwords looked up with auth_query, and always the current primary behind it.</summary>
[SupportedOSPlatform("linux")]
public sealed class PgBouncerTests
{
    [Fact]
    public async Task A_generated_user_connects_through_pgbouncer_with_verify_full_and_writes_again_after_a_switchover()
    {
        await using var sandbox = new TuskSandbox();
        var port = TuskSandbox.FreePortPair();
        var poolerPort = PortAllocator.FreePort(new HashSet<int> { port, port + 1 });
        var manifest = TuskSandbox.Manifest("pooled", port, replicas: 2) + $"""

              proxy:
                pgBouncer:
                  port: {poolerPort}
                  poolMode: transaction
                  config:
                    global:
                      server_idle_timeout: "60"
            """;
        await sandbox.RunOkAsync("apply", "-f", sandbox.WriteManifest("pooled", manifest), "--wait", "--timeout", "150s");
        var before = await sandbox.ClusterAsync("pooled");
        var leader = before.Status!.Instances.Single(i => i.Role == "leader");
        Assert.Equal($"127.0.0.1:{poolerPort}", before.Status.Endpoints!.PgBouncer);

        var details = JsonNode.Parse((await sandbox.RunOkAsync("show", "user", "pooled", "app", "--show-password", "-o", "json")).Out)!;
        Assert.Equal(poolerPort.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)details["pgbouncer-port"]);
        Assert.Contains("prepareThreshold=0", (string?)details["pgbouncer-jdbc-uri"], StringComparison.Ordinal);

        // The pgbouncer-uri works as given: psql with sslmode=verify-full against Tusk's CA, through the pooler.
        var psql = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("psql", [(string)details["pgbouncer-uri"]!, "-tAc", "select current_user || ' ' || inet_server_port()"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = (await psql.StandardOutput.ReadToEndAsync()).Trim();
        await psql.WaitForExitAsync();
        Assert.True(output == $"app {leader.Port}", $"psql through the pooler printed \"{output}\": {await psql.StandardError.ReadToEndAsync()}");

        await using (var connection = await sandbox.ConnectAsync("pooled", poolerPort))
        {
            await TuskSandbox.ScalarAsync(connection, "CREATE TABLE through_pooler (id int)");
        }

        // The lookup function never hands out a superuser's secret: the pooler refuses postgres.
        var refused = await Assert.ThrowsAnyAsync<PostgresException>(() => sandbox.ConnectAsync("pooled", poolerPort, superuser: true));
        Assert.Equal("08P01", refused.SqlState);

        await sandbox.RunOkAsync("switchover", "pooled");
        await sandbox.WaitUntilAsync("writes through the pooler reach the new primary", TimeSpan.FromSeconds(60), async () =>
        {
            await using var connection = await sandbox.ConnectAsync("pooled", poolerPort);
            return await TuskSandbox.ScalarAsync(connection, "INSERT INTO through_pooler VALUES (1) RETURNING inet_server_port()") is int served && served != leader.Port;
        });
    }
}
