using System.Runtime.Versioning;

namespace Tusk.Tests.Runtime.Local.EndToEnd;

/// <summary>Metrics: a postgres_exporter per instance logged in as the pg_monitor role over TLS, and the agent's own metrics.</summary>
[SupportedOSPlatform("linux")]
public sealed class MonitoringTests
{
    [Fact]
    public async Task Each_instance_exporter_reports_pg_up_and_the_agent_reports_the_cluster_and_its_roles()
    {
        await using var sandbox = new TuskSandbox();
        var port = TuskSandbox.FreePortPair();
        var manifest = TuskSandbox.Manifest("watched", port, replicas: 2) + """

              monitoring:
                exporter: {}
            """;
        await sandbox.RunOkAsync("apply", "-f", sandbox.WriteManifest("watched", manifest), "--wait", "--timeout", "150s");
        var cluster = await sandbox.ClusterAsync("watched");
        Assert.All(cluster.Status!.Instances, i => Assert.Matches(@"^http://127\.0\.0\.1:\d+/metrics$", i.MetricsUrl));
        Assert.Contains("Metrics (postgres_exporter):", (await sandbox.RunOkAsync("describe", "cluster", "watched")).Out, StringComparison.Ordinal);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var instance in cluster.Status.Instances)
        {
            var scrape = "";
            await sandbox.WaitUntilAsync($"{instance.Name}'s exporter reports pg_up 1", TimeSpan.FromSeconds(60), async () =>
            {
                try
                {
                    scrape = await http.GetStringAsync(instance.MetricsUrl);
                }
                catch (HttpRequestException)
                {
                    return false;
                }

                return scrape.Split('\n').Contains("pg_up 1");
            });
        }

        var leader = cluster.Status.Instances.Single(i => i.Role == "leader");
        var replica = cluster.Status.Instances.Single(i => i.Role != "leader");
        var metrics = (await sandbox.RunOkAsync("agent", "metrics")).Out.Split('\n');
        Assert.Contains("tusk_cluster_ready{namespace=\"default\",cluster=\"watched\"} 1", metrics);
        Assert.Contains($"tusk_instance_role{{namespace=\"default\",cluster=\"watched\",instance=\"{leader.Name}\",role=\"leader\"}} 1", metrics);
        Assert.Contains($"tusk_instance_up{{namespace=\"default\",cluster=\"watched\",instance=\"{replica.Name}\"}} 1", metrics);
        Assert.Contains(metrics, l => l.StartsWith("tusk_reconciles_total{namespace=\"default\",cluster=\"watched\"} ", StringComparison.Ordinal));

        // The exporters run, and their password is in a 0600 file, never in a command line.
        var commandLines = sandbox.Processes().Select(pid => File.ReadAllText($"/proc/{pid}/cmdline")).ToList();
        Assert.Equal(2, commandLines.Count(c => c.Contains("prometheus-postgres-exporter", StringComparison.Ordinal)));
        Assert.All(commandLines, c => Assert.DoesNotContain(sandbox.Secret("watched", "monitor"), c, StringComparison.Ordinal));
    }
}
