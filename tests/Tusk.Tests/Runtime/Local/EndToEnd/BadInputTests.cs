using System.Runtime.Versioning;

namespace Tusk.Tests.Runtime.Local.EndToEnd;

/// <summary>Invalid manifests are refused with where and why, and change nothing.</summary>
[SupportedOSPlatform("linux")]
public sealed class BadInputTests
{
    [Fact]
    public async Task A_bad_manifest_is_refused_with_file_line_and_field_and_changes_nothing()
    {
        await using var sandbox = new TuskSandbox();
        var port = TuskSandbox.FreePortPair();
        await sandbox.CreateAsync("steady", port, replicas: 1);
        var specBefore = Json.Serialize((await sandbox.ClusterAsync("steady")).Spec);
        var filesBefore = Directory.GetFileSystemEntries(Path.Combine(sandbox.Home, "clusters", "default"));

        var bad = sandbox.WriteManifest("bad", TuskSandbox.Manifest("steady", port, replicas: 0).Replace("options: CREATEDB", "options: CREATEDB; DROP TABLE x", StringComparison.Ordinal) + "\n  postgresVerison: 15\n");
        var result = await sandbox.RunAsync("apply", "-f", bad);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{bad}:10:", result.Err, StringComparison.Ordinal);
        Assert.Contains("spec.instances[0].replicas", result.Err, StringComparison.Ordinal);
        Assert.Contains("spec.users[0].options", result.Err, StringComparison.Ordinal);
        Assert.Contains("did you mean \"postgresVersion\"", result.Err, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", result.Err, StringComparison.Ordinal);
        Assert.Equal(specBefore, Json.Serialize((await sandbox.ClusterAsync("steady")).Spec));
        Assert.Equal(filesBefore, Directory.GetFileSystemEntries(Path.Combine(sandbox.Home, "clusters", "default")));
    }

    [Fact]
    public async Task A_new_cluster_on_a_port_in_use_or_with_a_missing_preload_library_is_refused_before_anything_starts()
    {
        await using var sandbox = new TuskSandbox();
        using var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((System.Net.IPEndPoint)squatter.LocalEndpoint).Port;
        var manifest = $"""
            apiVersion: tusk.dev/v1
            kind: PostgresCluster
            metadata:
              name: blocked
            spec:
              port: {taken}
              patroni:
                dynamicConfiguration:
                  postgresql:
                    parameters:
                      shared_preload_libraries: pg_no_such_extension
            """;
        var result = await sandbox.RunAsync("apply", "-f", sandbox.WriteManifest("blocked", manifest));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"port {taken} (the primary endpoint) is already in use", result.Err, StringComparison.Ordinal);
        Assert.Contains("\"pg_no_such_extension\" is not installed for PostgreSQL 15", result.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(sandbox.ClusterPath("blocked")), "a refused cluster left files behind");
        Assert.DoesNotContain(sandbox.Processes(), p => File.ReadAllText($"/proc/{p}/cmdline").Contains("patroni", StringComparison.Ordinal));
    }
}
