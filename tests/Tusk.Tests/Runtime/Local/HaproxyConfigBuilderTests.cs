using System.Diagnostics;
using System.Runtime.Versioning;
using Tusk.Runtime.Local;
using static Tusk.Tests.Runtime.Local.LocalPlans;

namespace Tusk.Tests.Runtime.Local;

[SupportedOSPlatform("linux")]
public class HaproxyConfigBuilderTests
{
    private const string HaproxyBinary = "/usr/sbin/haproxy";

    private static string Build(string statsSocket = "/state/haproxy/stats.sock")
    {
        var plan = Plan();
        return HaproxyConfigBuilder.Build(plan.Name, plan.Port, Members(plan), statsSocket);
    }

    private static string[] Lines(string config) => config.Split('\n').Select(l => l.Trim()).ToArray();

    /// <summary>The lines of one listen section, from its header to the next blank line.</summary>
    private static string[] Section(string config, string name) =>
        Lines(config).SkipWhile(l => l != $"listen {name}").TakeWhile(l => l.Length > 0).ToArray();

    [Fact]
    public void The_primary_listens_on_the_clusters_port_and_the_replicas_on_the_next()
    {
        var config = Build();

        Assert.Contains("bind 127.0.0.1:5440", Section(config, "hippo-primary"));
        Assert.Contains("bind 127.0.0.1:5441", Section(config, "hippo-replicas"));
        Assert.Equal(2, Lines(config).Count(l => l.StartsWith("listen ", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_primary_checks_Patronis_primary_endpoint_and_the_replicas_its_replica_endpoint_with_OPTIONS()
    {
        var config = Build();

        Assert.Contains("option httpchk OPTIONS /primary", Section(config, "hippo-primary"));
        Assert.Contains("option httpchk OPTIONS /replica", Section(config, "hippo-replicas"));
        Assert.Contains("http-check expect status 200", Section(config, "hippo-primary"));
        Assert.Contains("http-check expect status 200", Section(config, "hippo-replicas"));
    }

    [Theory]
    [InlineData("hippo-primary")]
    [InlineData("hippo-replicas")]
    public void Each_listener_has_one_server_per_member_checked_on_its_REST_port(string listener)
    {
        var servers = Section(Build(), listener).Where(l => l.StartsWith("server ", StringComparison.Ordinal)).ToArray();

        Assert.Equal(
            [
                "server hippo-instance1-0 127.0.0.1:15000 check port 18000",
                "server hippo-instance1-1 127.0.0.1:15001 check port 18001",
                "server hippo-instance1-2 127.0.0.1:15002 check port 18002",
            ],
            servers);
    }

    [Fact]
    public void Checks_are_fast_and_sessions_to_a_server_marked_down_are_cut()
    {
        foreach (var listener in new[] { "hippo-primary", "hippo-replicas" })
        {
            var defaults = Assert.Single(Section(Build(), listener), l => l.StartsWith("default-server ", StringComparison.Ordinal));
            var words = defaults.Split(' ');

            Assert.Equal("1s", words[Array.IndexOf(words, "inter") + 1]);
            Assert.Equal("250ms", words[Array.IndexOf(words, "fastinter") + 1]);
            Assert.Equal("250ms", words[Array.IndexOf(words, "downinter") + 1]);
            Assert.EndsWith("on-marked-down shutdown-sessions", defaults, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_stats_socket_is_private_to_the_agent()
    {
        Assert.Contains("stats socket /state/haproxy/stats.sock mode 600 level admin", Lines(Build()));
    }

    [Fact]
    public async Task The_installed_HAProxy_accepts_the_generated_configuration()
    {
        Assert.True(File.Exists(HaproxyBinary), $"{HaproxyBinary} is not installed; the test setup installs Debian's haproxy package (apt-get install haproxy) so this real-component check can run");
        var dir = Directory.CreateTempSubdirectory("tusk-haproxy-");
        try
        {
            var file = Path.Combine(dir.FullName, "haproxy.cfg");
            await File.WriteAllTextAsync(file, Build(Path.Combine(dir.FullName, "stats.sock")));
            var start = new ProcessStartInfo(HaproxyBinary, ["-c", "-f", file]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var haproxy = Process.Start(start)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var stdout = haproxy.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = haproxy.StandardError.ReadToEndAsync(timeout.Token);
            await haproxy.WaitForExitAsync(timeout.Token);

            Assert.True(haproxy.ExitCode == 0, $"haproxy -c exited with {haproxy.ExitCode}:\n{await stdout}\n{await stderr}");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
