using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using Tusk.Kubernetes.Builders;
using Tusk.Kubernetes.Client;
using Tusk.Runtime.Local;
using Xunit.Abstractions;

namespace Tusk.Tests.Kubernetes.Node;

/// <summary>
/// PostgreSQL clusters under the Tusk operator on a real node: pods running Patroni with
/// Kubernetes as its DCS, elected and failed over for real, reached by the test through the
/// Services' ClusterIPs and the pods' addresses. Driven through the `tusk` CLI with the node's
/// kubeconfig, as a user would. On failure each test's message carries the node's objects,
/// events and pod logs.
/// </summary>
public sealed class ClusterOnNodeTests(OperatorOnNode installed, ITestOutputHelper output) : IClassFixture<OperatorOnNode>
{
    private static readonly TimeSpan ReadyWithin = TimeSpan.FromMinutes(4);
    private KubeNode Node => installed.Node;
    private KubeClient Admin => installed.Node.Admin;

    [Fact]
    public async Task A_three_instance_cluster_replicates_fails_over_without_losing_a_commit_switches_over_scales_and_is_deleted_keeping_its_volumes()
    {
        const string ns = "e2e-ha";
        await DiagnosedAsync(async () =>
        {
            await Node.KubectlAsync("create", "namespace", ns);
            var manifest = File.ReadAllText(Repository.File("examples/hippo.yaml"))
                .Replace("  name: hippo\n", $"  name: hippo\n  namespace: {ns}\n", StringComparison.Ordinal)
                .Replace("    syncPeriodSeconds: 10", "    syncPeriodSeconds: 10\n    synchronousMode: true", StringComparison.Ordinal);
            Assert.Contains("synchronousMode: true", manifest, StringComparison.Ordinal);
            var applied = Stopwatch.StartNew();
            await TuskAsync("apply", "-f", await WriteAsync(manifest));
            var cluster = await WaitForAsync(ns, c => Phase(c) == "Ready", ReadyWithin, "hippo Ready");
            output.WriteLine($"3 instances Ready after {applied.Elapsed.TotalSeconds:0.0} s");

            // Three pods, Patroni's leader through the Kubernetes API, the primary Service on it.
            var pods = await InstancePodsAsync(ns);
            Assert.Equal(3, pods.Count);
            Assert.All(pods, p => Assert.Equal("Running", p["status"]!["phase"]!.GetValue<string>()));
            var leader = cluster["status"]!["primary"]!.GetValue<string>();
            Assert.Equal(leader, await PatroniLeaderAsync(ns));
            Assert.Equal(leader, await PrimaryEndpointAsync(ns));

            // The user's Secret works through hippo-primary, and what it writes reaches every replica.
            var user = await SecretAsync(ns, ObjectNames.UserSecret("hippo", "hippo"));
            var primaryIp = await ClusterIpAsync(ns, ObjectNames.Primary("hippo"));
            // kube-proxy programs the Service a moment after its endpoints change (one run found the
            // endpoints on the leader and the ClusterIP not yet answering), so the first write may retry.
            await EventuallyAsync(async () =>
            {
                await using var connection = await ConnectAsync(ns, primaryIp, user);
                await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS t (id bigint PRIMARY KEY); INSERT INTO t VALUES (0) ON CONFLICT DO NOTHING");
                return true;
            }, TimeSpan.FromSeconds(30), "a first write through hippo-primary");

            foreach (var replica in pods.Where(p => Name(p) != leader))
            {
                await EventuallyAsync(async () =>
                {
                    await using var connection = await ConnectAsync(ns, PodIp(replica), user);
                    return await ScalarAsync(connection, "SELECT count(*) FROM t") == 1;
                }, TimeSpan.FromSeconds(30), $"the row on replica {Name(replica)}");
            }

            // Delete the leader pod under a continuous writer: a new leader, the Service follows, no acknowledged commit is lost.
            using var stop = new CancellationTokenSource();
            var acknowledged = new List<long>();
            var writer = WriteContinuouslyAsync(ns, primaryIp, user, acknowledged, stop.Token);
            await Task.Delay(1000);
            var deleted = Stopwatch.StartNew();
            var ackedBefore = Count(acknowledged);
            await Node.KubectlAsync("-n", ns, "delete", "pod", leader, "--wait=false");
            var failedOver = await WaitForAsync(ns, c => Primary(c) is { } p && p != leader, ReadyWithin, "a new primary");
            await EventuallyAsync(() => Task.FromResult(Count(acknowledged) > ackedBefore + 5), TimeSpan.FromSeconds(60), "writes resuming");
            output.WriteLine($"writes resumed {deleted.Elapsed.TotalSeconds:0.0} s after the leader pod was deleted (upper bound)");
            await stop.CancelAsync();
            await writer;
            var newLeader = Primary(failedOver)!;
            Assert.Equal(newLeader, await PatroniLeaderAsync(ns));
            await EventuallyAsync(async () => await PrimaryEndpointAsync(ns) == newLeader, TimeSpan.FromSeconds(30), "hippo-primary following the new leader");
            await using (var connection = await ConnectAsync(ns, primaryIp, user))
            {
                var present = new HashSet<long>();
                await using var read = new NpgsqlCommand("SELECT id FROM t", connection);
                await using var rows = await read.ExecuteReaderAsync();
                while (await rows.ReadAsync())
                {
                    present.Add(rows.GetInt64(0));
                }

                long[] snapshot;
                lock (acknowledged)
                {
                    snapshot = [.. acknowledged];
                }

                Assert.DoesNotContain(snapshot, id => !present.Contains(id));
                output.WriteLine($"{snapshot.Length} acknowledged commits, all present on {newLeader}");
            }

            // The old leader's pod comes back as a replica; then `tusk switchover` moves the leader.
            await WaitForAsync(ns, c => Phase(c) == "Ready", ReadyWithin, "three instances again");
            await TuskAsync("switchover", "hippo", "-n", ns);
            var switched = await WaitForAsync(ns, c => Primary(c) is { } p && p != newLeader && Phase(c) == "Ready", ReadyWithin, "the switchover");
            Assert.Equal(Primary(switched), await PatroniLeaderAsync(ns));

            // Scale 3 → 2 → 3 with `tusk apply`.
            foreach (var replicas in new[] { 2, 3 })
            {
                await TuskAsync("apply", "-f", await WriteAsync(manifest.Replace("replicas: 3", $"replicas: {replicas}", StringComparison.Ordinal)));
                await WaitForAsync(ns, c => Phase(c) == "Ready" && c["status"]!["instances"]!.AsArray().Count == replicas, ReadyWithin, $"{replicas} instances");
                await EventuallyAsync(async () => (await InstancePodsAsync(ns)).Count == replicas, TimeSpan.FromSeconds(60), $"{replicas} pods");
            }

            // Deleting the cluster: its objects go, its data volumes stay (whenDeleted: Retain, the default).
            await TuskAsync("delete", "cluster", "hippo", "-n", ns, "--yes");
            await EventuallyAsync(async () => await Admin.GetAsync(ApiResource.PostgresCluster, ns, "hippo") is null
                && (await Admin.ListAsync(ApiResource.StatefulSet, ns, $"{Labels.Cluster}=hippo")).Items.Count == 0, TimeSpan.FromSeconds(120), "the cluster and its StatefulSet gone");
            var claims = await Admin.ListAsync(ApiResource.PersistentVolumeClaim, ns, $"{Labels.Cluster}=hippo");
            Assert.Equal(3, claims.Items.Count);
        });
    }

    [Fact]
    public async Task A_backup_job_runs_after_the_operators_leader_pod_is_deleted_mid_reconcile_and_tusk_get_backups_lists_it()
    {
        const string ns = "e2e-backup";
        await DiagnosedAsync(async () =>
        {
            await Node.KubectlAsync("create", "namespace", ns);
            const string manifest = """
                apiVersion: tusk.dev/v1
                kind: PostgresCluster
                metadata:
                  name: hippo
                  namespace: e2e-backup
                spec:
                  postgresVersion: 15
                  instances:
                    - name: instance1
                      replicas: 1
                  backups:
                    pgbackrest:
                      repos:
                        - name: repo1
                          volume:
                            volumeClaimSpec:
                              accessModes: [ReadWriteOnce]
                              resources: {requests: {storage: 1Gi}}
                """;
            var holder = await LeaseHolderAsync() ?? throw new InvalidOperationException("no operator holds the lease tusk-system/tusk-operator");
            await TuskAsync("apply", "-f", await WriteAsync(manifest));
            // The operator that holds the lease is deleted while it reconciles the new cluster; the other replica takes over.
            await Node.KubectlAsync("-n", "tusk-system", "delete", "pod", holder, "--wait=false");
            await WaitForAsync(ns, c => Phase(c) == "Ready", ReadyWithin, "hippo Ready");
            await EventuallyAsync(async () => await LeaseHolderAsync() is { } now && now != holder, TimeSpan.FromSeconds(60), "another operator replica holding the lease");

            var backup = await TuskAsync("backup", "hippo", "-n", ns, "--wait", "--timeout", "300s");
            Assert.Contains("full backup to repo1 finished", backup, StringComparison.Ordinal);
            var jobs = await Admin.ListAsync(ApiResource.Job, ns, $"{Labels.Cluster}=hippo,{Labels.Role}={BackupJobBuilder.Role}");
            Assert.Equal(1, Assert.Single(jobs.Items)["status"]!["succeeded"]!.GetValue<int>());

            var listed = JsonNode.Parse(await TuskAsync("get", "backups", "hippo", "-n", ns, "-o", "json"))!.AsArray();
            var full = Assert.Single(listed)!;
            Assert.Equal("full", full["type"]!.GetValue<string>());
            Assert.Equal("repo1", full["repo"]!.GetValue<string>());
        });
    }

    private async Task DiagnosedAsync(Func<Task> test)
    {
        try
        {
            await test();
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"{e.Message}\n--- the node ---\n{await Node.DumpDiagnosticsAsync()}", e);
        }
    }

    /// <summary>`tusk ARGS --kubeconfig NODE` in this process; its output, or the test fails with what it said.</summary>
    private async Task<string> TuskAsync(params string[] args)
    {
        var (code, stdout, stderr) = await InProcessCli.RunAsync([.. args, "--kubeconfig", Node.KubeconfigPath]);
        Assert.True(code == 0, $"tusk {string.Join(' ', args)} exited {code}: {stdout}{stderr}");
        return stdout + stderr;
    }

    private async Task<string> WriteAsync(string manifest)
    {
        var file = Path.Combine(Node.Root, $"manifest-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, manifest);
        return file;
    }

    private async Task<JsonObject> WaitForAsync(string ns, Func<JsonObject, bool> reached, TimeSpan within, string what)
    {
        JsonObject? last = null;
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            last = await Admin.GetAsync(ApiResource.PostgresCluster, ns, "hippo");
            if (last is not null && reached(last))
            {
                return last;
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"waited {within.TotalSeconds:0} s for {what}; the cluster's status: {last?["status"]?.ToJsonString()}");
    }

    private static async Task EventuallyAsync(Func<Task<bool>> reached, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        Exception? lastError = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await reached())
                {
                    return;
                }
            }
            catch (Exception e) when (e is NpgsqlException or KubeApiException or TimeoutException or InvalidOperationException)
            {
                lastError = e;
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"waited {within.TotalSeconds:0} s for {what}{(lastError is null ? "" : $"; last error: {lastError.Message}")}");
    }

    private static string? Phase(JsonObject cluster) => cluster["status"]?["phase"]?.GetValue<string>();

    private static string? Primary(JsonObject cluster) => cluster["status"]?["primary"]?.GetValue<string>();

    private static string Name(JsonObject obj) => obj["metadata"]!["name"]!.GetValue<string>();

    private static string PodIp(JsonObject pod) => pod["status"]!["podIP"]!.GetValue<string>();

    private static int Count(List<long> list)
    {
        lock (list)
        {
            return list.Count;
        }
    }

    private async Task<List<JsonObject>> InstancePodsAsync(string ns) =>
        [.. (await Admin.ListAsync(ApiResource.Pod, ns, $"{Labels.Cluster}=hippo,{Labels.InstanceSet}")).Items.Where(p => p["metadata"]?["deletionTimestamp"] is null)];

    /// <summary>Patroni's leader as Patroni itself keeps it: the leader annotation of its &lt;scope&gt;-leader ConfigMap.</summary>
    private async Task<string?> PatroniLeaderAsync(string ns) =>
        (await Admin.GetAsync(ApiResource.ConfigMap, ns, $"{ObjectNames.PatroniScope("hippo")}-leader"))?["metadata"]?["annotations"]?["leader"]?.GetValue<string>();

    private async Task<string?> PrimaryEndpointAsync(string ns) =>
        (await Admin.GetAsync(ApiResource.Endpoints, ns, ObjectNames.Primary("hippo")))?["subsets"]?[0]?["addresses"]?[0]?["targetRef"]?["name"]?.GetValue<string>();

    private async Task<string> ClusterIpAsync(string ns, string service) =>
        (await Admin.GetAsync(ApiResource.Service, ns, service))!["spec"]!["clusterIP"]!.GetValue<string>();

    private async Task<string?> LeaseHolderAsync() =>
        (await Admin.GetAsync(ApiResource.Lease, "tusk-system", "tusk-operator"))?["spec"]?["holderIdentity"]?.GetValue<string>();

    private async Task<Dictionary<string, string>> SecretAsync(string ns, string name) =>
        (await Admin.GetAsync(ApiResource.Secret, ns, name))!["data"]!.AsObject()
            .ToDictionary(e => e.Key, e => Encoding.UTF8.GetString(Convert.FromBase64String(e.Value!.GetValue<string>())));

    /// <summary>As the user's Secret says (user, password, database), at an address the test can reach, over TLS verified against the cluster's CA.</summary>
    private async Task<NpgsqlConnection> ConnectAsync(string ns, string host, Dictionary<string, string> user) =>
        await PostgresConnections.OpenVerifiedAsync(new NpgsqlConnectionStringBuilder
        {
            Host = host,
            Port = int.Parse(user["port"], System.Globalization.CultureInfo.InvariantCulture),
            Username = user["user"],
            Password = user["password"],
            Database = user["dbname"],
            Timeout = 3,
            CommandTimeout = 10,
            Pooling = false,
        }, (await SecretAsync(ns, ObjectNames.ClusterCert("hippo")))["ca.crt"], CancellationToken.None);

    /// <summary>Inserts 1, 2, 3 ... through the primary Service, one commit each, and records each acknowledged id; reconnects after errors.</summary>
    private async Task WriteContinuouslyAsync(string ns, string primaryIp, Dictionary<string, string> user, List<long> acknowledged, CancellationToken stop)
    {
        var next = 1L;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await ConnectAsync(ns, primaryIp, user);
                while (!stop.IsCancellationRequested)
                {
                    await using var insert = new NpgsqlCommand("INSERT INTO t VALUES ($1)", connection) { Parameters = { new() { Value = next } } };
                    await insert.ExecuteNonQueryAsync(CancellationToken.None);
                    lock (acknowledged)
                    {
                        acknowledged.Add(next);
                    }

                    next++;
                }
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                // An insert whose commit was not acknowledged may or may not be there; only acknowledged ones count. Use a new id.
                next++;
                await Task.Delay(100, CancellationToken.None);
            }
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
