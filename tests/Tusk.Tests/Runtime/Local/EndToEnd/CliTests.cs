using System.Runtime.Versioning;
using System.Text.Json.Nodes;

namespace Tusk.Tests.Runtime.Local.EndToEnd;

/// <summary>What people and scripts read from `tusk`: tables, JSON, user details, logs.</summary>
[SupportedOSPlatform("linux")]
public sealed class CliTests
{
    [Fact]
    public async Task Get_describe_show_user_and_logs_tell_people_and_scripts_how_to_reach_a_single_instance_cluster()
    {
        await using var sandbox = new TuskSandbox();
        var port = TuskSandbox.FreePortPair();
        await sandbox.CreateAsync("cli", port, replicas: 1);

        var table = (await sandbox.RunOkAsync("get", "clusters")).Out;
        Assert.Matches($@"default\s+cli\s+Ready\s+cli-instance1-0\s+1/1\s+127\.0\.0\.1:{port}", table);

        var json = JsonNode.Parse((await sandbox.RunOkAsync("get", "clusters", "-o", "json")).Out)!.AsArray();
        Assert.Equal("Ready", (string?)json.Single()!["status"]!["phase"]);

        var describe = (await sandbox.RunOkAsync("describe", "cluster", "cli")).Out;
        Assert.Contains("Members:", describe, StringComparison.Ordinal);
        Assert.Matches(@"cli-instance1-0\s+instance1\s+leader\s+running\s+1", describe);

        var hidden = (await sandbox.RunOkAsync("show", "user", "cli", "app")).Out;
        var password = sandbox.Secret("cli", "user-app");
        Assert.DoesNotContain(password, hidden, StringComparison.Ordinal);
        Assert.Contains("<hidden>", hidden, StringComparison.Ordinal);

        var details = JsonNode.Parse((await sandbox.RunOkAsync("show", "user", "cli", "app", "--show-password", "-o", "json")).Out)!;
        Assert.Equal(password, (string?)details["password"]);
        Assert.StartsWith($"postgresql://app:", (string?)details["uri"], StringComparison.Ordinal);

        // The URI works as given: psql with verify-full against Tusk's CA.
        var psql = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("psql", [(string)details["uri"]!, "-tAc", "select current_user"]) { RedirectStandardOutput = true })!;
        Assert.Equal("app", (await psql.StandardOutput.ReadToEndAsync()).Trim());
        await psql.WaitForExitAsync();

        var logs = (await sandbox.RunOkAsync("logs", "cli", "cli-instance1-0", "--tail", "200")).Out;
        Assert.Contains("==> cli-instance1-0", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(password, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(password, sandbox.AgentLog(), StringComparison.Ordinal);

        var missing = await sandbox.RunAsync("describe", "cluster", "nope");
        Assert.Equal(4, missing.ExitCode);
        Assert.Contains("there is no cluster default/nope", missing.Err, StringComparison.Ordinal);
    }
}
