using System.Security.Cryptography.X509Certificates;
using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Tusk.Kubernetes.Builders;
using Tusk.Kubernetes.Client;
using Tusk.Kubernetes.Controller;
using Tusk.Tests.Kubernetes.Crd;

namespace Tusk.Tests.Kubernetes.Controller;

/// <summary>
/// The operator against the real API server. There is no kubelet or controller-manager: the
/// tests play them, creating the StatefulSet's pods and writing their status and the role label
/// Patroni would write.
/// </summary>
[Collection(ApiServerGroup.Name)]
public sealed class OperatorTests(ApiServer server) : IAsyncLifetime
{
    private const string Image = "registry.example/tusk/postgres:15";
    private RunningOperator? _operator;
    private string _ns = "";

    public async Task InitializeAsync()
    {
        await CrdInstaller.InstallAsync(server.Admin);
        _ns = await Namespaces.CreateAsync(server.Admin, "op");
        _operator = new RunningOperator(server.Admin, _ns, new Dictionary<string, string> { ["RELATED_IMAGE_POSTGRES_15"] = Image });
    }

    public async Task DisposeAsync() => await _operator!.DisposeAsync();

    private ConcurrentQueue<string> Outcomes => _operator!.Outcomes;

    private static JsonObject Hippo(int replicas = 3, string user = "hippo") => JsonNode.Parse($$$"""
        {"apiVersion": "tusk.dev/v1", "kind": "PostgresCluster", "metadata": {"name": "hippo"},
         "spec": {"postgresVersion": 15, "instances": [{"name": "instance1", "replicas": {{{replicas}}}}],
                  "users": [{"name": "{{{user}}}", "databases": ["hippo"], "options": "CREATEDB"}]}}
        """)!.AsObject();

    private async Task<JsonObject> ApplyAsync(JsonObject cluster) => await server.Admin.ApplyAsync(ApiResource.PostgresCluster, _ns, cluster, force: true);

    private async Task<JsonObject> WaitForStatusAsync(Func<JsonObject, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonObject? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await server.Admin.GetAsync(ApiResource.PostgresCluster, _ns, "hippo");
            if (last?["status"] is JsonObject status && condition(status))
            {
                return status;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{what}: not reached; status {last?["status"]?.ToJsonString()}; {_operator!.LastWords()}");
    }

    /// <summary>The events about hippo, as "Type Reason: message".</summary>
    private async Task<List<string>> EventsAsync() =>
        [.. (await server.Admin.ListAsync(ApiResource.Event, _ns)).Items
            .Where(e => e["involvedObject"]?["name"]?.GetValue<string>() == "hippo" && e["involvedObject"]?["kind"]?.GetValue<string>() == "PostgresCluster")
            .Select(e => $"{e["type"]} {e["reason"]}: {e["message"]}")];

    private static string Phase(JsonObject status) => status["phase"]?.GetValue<string>() ?? "";

    private static string Condition(JsonObject status, string type) =>
        status["conditions"]?.AsArray().FirstOrDefault(c => c?["type"]?.GetValue<string>() == type)?["status"]?.GetValue<string>() ?? "";

    private async Task<List<string>> NamesAsync(ApiResource resource) =>
        [.. (await server.Admin.ListAsync(resource, _ns)).Items.Select(o => o["metadata"]!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal)];

    private Task PlayKubeletAsync(string statefulSet, int count, int leader) => PlayedKubelet.RunPodsAsync(server.Admin, _ns, "hippo", statefulSet, count, leader, Image);

    [Fact]
    public async Task Applying_a_cluster_makes_the_operator_create_every_object_owned_by_it_and_report_progress()
    {
        var created = await ApplyAsync(Hippo());
        var uid = created["metadata"]!["uid"]!.GetValue<string>();
        var status = await WaitForStatusAsync(s => Phase(s) == "Creating", "phase Creating");
        Assert.Equal("True", Condition(status, "Progressing"));
        Assert.Equal("waiting for Patroni to bootstrap the first primary (0 of 3 instances ready)", status["lastOutcome"]!.GetValue<string>());
        Assert.Equal(1, status["observedGeneration"]!.GetValue<long>());
        Assert.Equal(["Normal WaitingForPrimary: waiting for Patroni to bootstrap the first primary (0 of 3 instances ready)"], await EventsAsync());

        var sts = ObjectNames.StatefulSet("hippo", "instance1", uid);
        Assert.Equal([sts], await NamesAsync(ApiResource.StatefulSet));
        Assert.Equal(["hippo-pods", "hippo-primary", "hippo-replicas"], await NamesAsync(ApiResource.Service));
        Assert.Equal(["hippo-cluster-cert", "hippo-internal", "hippo-pguser-hippo", "hippo-replication-cert", "tusk-root-cacert"], await NamesAsync(ApiResource.Secret));
        Assert.Contains("hippo-config", await NamesAsync(ApiResource.ConfigMap));
        Assert.Equal(["hippo-instance"], await NamesAsync(ApiResource.Role));
        Assert.Equal(["hippo-instance"], await NamesAsync(ApiResource.RoleBinding));
        Assert.Equal(["hippo-set-instance1"], await NamesAsync(ApiResource.PodDisruptionBudgetV1Beta1));

        foreach (var resource in new[] { ApiResource.StatefulSet, ApiResource.Service, ApiResource.ConfigMap, ApiResource.Role })
        {
            foreach (var o in (await server.Admin.ListAsync(resource, _ns, Labels.Cluster)).Items)
            {
                Assert.Equal(uid, o["metadata"]!["ownerReferences"]![0]!["uid"]!.GetValue<string>());
            }
        }
    }

    [Fact]
    public async Task Status_follows_the_pods_to_ready_with_the_pod_patroni_labelled_leader_as_primary()
    {
        var uid = (await ApplyAsync(Hippo()))["metadata"]!["uid"]!.GetValue<string>();
        await WaitForStatusAsync(s => Phase(s) == "Creating", "phase Creating");
        var sts = ObjectNames.StatefulSet("hippo", "instance1", uid);

        await PlayKubeletAsync(sts, 3, leader: 1);
        var status = await WaitForStatusAsync(s => Phase(s) == "Ready", "phase Ready");
        Assert.Equal($"{sts}-1", status["primary"]!.GetValue<string>());
        Assert.Equal("True", Condition(status, "Ready"));
        Assert.Equal("False", Condition(status, "Progressing"));
        Assert.Equal($"{sts}-1 is the primary and 3 of 3 instances are ready", status["lastOutcome"]!.GetValue<string>());
        Assert.Equal(3, status["instances"]!.AsArray().Count);
        Assert.Contains($"Normal AllInstancesReady: {sts}-1 is the primary and 3 of 3 instances are ready", await EventsAsync());
    }

    [Fact]
    public async Task A_statefulset_change_that_leaves_its_spec_alone_wakes_no_cycle_but_a_hand_edit_of_its_spec_is_put_back()
    {
        var uid = (await ApplyAsync(Hippo(replicas: 2)))["metadata"]!["uid"]!.GetValue<string>();
        var sts = ObjectNames.StatefulSet("hippo", "instance1", uid);
        await WaitForStatusAsync(s => Phase(s) == "Creating", "phase Creating");
        await PlayKubeletAsync(sts, 2, leader: 0);
        await WaitForStatusAsync(s => Phase(s) == "Ready", "phase Ready");
        // A ready cluster is not rechecked on a timer: from here only events start cycles.
        await Task.Delay(1500);
        var before = Outcomes.Count;

        // Changes that leave the spec alone (here annotations; in a real cluster, mostly the status
        // the StatefulSet controller writes): a new resourceVersion with the same generation.
        for (var i = 0; i < 3; i++)
        {
            var annotated = (await server.Admin.GetAsync(ApiResource.StatefulSet, _ns, sts))!;
            annotated["metadata"]!["annotations"] = new JsonObject { ["example.com/touched"] = $"{i}" };
            await server.Admin.ReplaceAsync(ApiResource.StatefulSet, _ns, annotated);
            await Task.Delay(300);
        }

        await Task.Delay(1500);
        Assert.True(before == Outcomes.Count, $"cycles after changes that left the spec alone: {string.Join(" | ", Outcomes.Skip(before))}");

        // Someone scales the StatefulSet by hand: the operator puts the spec's replicas back.
        var edited = (await server.Admin.GetAsync(ApiResource.StatefulSet, _ns, sts))!;
        edited["spec"]!["replicas"] = 5;
        await server.Admin.ReplaceAsync(ApiResource.StatefulSet, _ns, edited);
        var deadline = DateTime.UtcNow.AddSeconds(ClusterReconciler.NotReadyRecheck.TotalSeconds);
        while ((await server.Admin.GetAsync(ApiResource.StatefulSet, _ns, sts))!["spec"]!["replicas"]!.GetValue<int>() != 2)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the hand-edited replicas were not put back; outcomes: {string.Join(" | ", Outcomes.TakeLast(3))}");
            await Task.Delay(100);
        }

        Assert.True(Outcomes.Count > before);
    }

    [Fact]
    public async Task Scaling_an_instance_set_updates_its_statefulset_and_keeps_every_password()
    {
        var uid = (await ApplyAsync(Hippo(replicas: 2)))["metadata"]!["uid"]!.GetValue<string>();
        await WaitForStatusAsync(s => Phase(s) == "Creating", "phase Creating");
        var sts = ObjectNames.StatefulSet("hippo", "instance1", uid);
        var secretBefore = (await server.Admin.GetAsync(ApiResource.Secret, _ns, "hippo-pguser-hippo"))!;

        await ApplyAsync(Hippo(replicas: 3));
        await WaitForStatusAsync(s => s["observedGeneration"]?.GetValue<long>() == 2, "observedGeneration 2");
        Assert.Equal(3, (await server.Admin.GetAsync(ApiResource.StatefulSet, _ns, sts))!["spec"]!["replicas"]!.GetValue<int>());
        var secretAfter = (await server.Admin.GetAsync(ApiResource.Secret, _ns, "hippo-pguser-hippo"))!;
        Assert.Equal(secretBefore["metadata"]!["resourceVersion"]!.GetValue<string>(), secretAfter["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task Adding_a_user_creates_only_that_users_secret()
    {
        await ApplyAsync(Hippo());
        await WaitForStatusAsync(s => Phase(s) == "Creating", "phase Creating");
        var before = (await server.Admin.ListAsync(ApiResource.Secret, _ns)).Items
            .ToDictionary(s => s["metadata"]!["name"]!.GetValue<string>(), s => s["metadata"]!["resourceVersion"]!.GetValue<string>());

        var withRhino = Hippo();
        withRhino["spec"]!["users"]!.AsArray().Add(new JsonObject { ["name"] = "rhino", ["databases"] = new JsonArray("zoo") });
        await ApplyAsync(withRhino);
        await WaitForStatusAsync(s => s["observedGeneration"]?.GetValue<long>() == 2, "observedGeneration 2");

        var after = (await server.Admin.ListAsync(ApiResource.Secret, _ns)).Items
            .ToDictionary(s => s["metadata"]!["name"]!.GetValue<string>(), s => s["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal(["hippo-pguser-rhino"], after.Keys.Except(before.Keys));
        Assert.All(before, kv => Assert.Equal(kv.Value, after[kv.Key]));
    }

    [Fact]
    public async Task Two_clusters_created_at_once_in_a_new_namespace_share_one_root_CA()
    {
        var zebra = Hippo();
        zebra["metadata"]!["name"] = "zebra";
        await Task.WhenAll(ApplyAsync(Hippo()), ApplyAsync(zebra));
        await WaitForStatusAsync(s => Phase(s) == "Creating", "hippo Creating");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && await server.Admin.GetAsync(ApiResource.Secret, _ns, "zebra-cluster-cert") is null)
        {
            await Task.Delay(200);
        }

        string Data(JsonObject? secret, string key) => secret!["data"]![key]!.GetValue<string>();
        var root = Data(await server.Admin.GetAsync(ApiResource.Secret, _ns, "tusk-root-cacert"), "root.crt");
        Assert.Equal(root, Data(await server.Admin.GetAsync(ApiResource.Secret, _ns, "hippo-cluster-cert"), "ca.crt"));
        Assert.Equal(root, Data(await server.Admin.GetAsync(ApiResource.Secret, _ns, "zebra-cluster-cert"), "ca.crt"));
    }

    [Fact]
    public async Task A_spec_the_validator_refuses_is_reported_in_status_and_nothing_is_created()
    {
        await ApplyAsync(Hippo(user: "postgres"));
        var status = await WaitForStatusAsync(s => s["lastError"] is not null, "lastError");
        Assert.Contains("spec.users[0].name: \"postgres\" is the superuser Tusk manages itself", status["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("InvalidSpec", status["conditions"]!.AsArray().First(c => c!["type"]!.GetValue<string>() == "Ready")!["reason"]!.GetValue<string>());
        Assert.Empty(await NamesAsync(ApiResource.StatefulSet));
        Assert.Empty(await NamesAsync(ApiResource.Secret));
        Assert.Contains(await EventsAsync(), e => e.StartsWith("Warning InvalidSpec: the spec is invalid and nothing was changed: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cluster_with_no_image_for_its_version_is_told_where_to_set_one()
    {
        var v14 = Hippo();
        v14["spec"]!["postgresVersion"] = 14;
        await ApplyAsync(v14);
        var status = await WaitForStatusAsync(s => s["lastError"] is not null, "lastError");
        Assert.Equal("no image for PostgreSQL 14: set spec.image, or RELATED_IMAGE_POSTGRES_14 on the operator", status["lastError"]!.GetValue<string>());
        Assert.Empty(await NamesAsync(ApiResource.StatefulSet));
    }

    private static JsonObject HippoWithSidecars(bool images)
    {
        var hippo = Hippo(replicas: 1);
        var spec = hippo["spec"]!.AsObject();
        spec["backups"] = JsonNode.Parse("""{"pgbackrest": {"repos": [{"name": "repo1", "volume": {"volumeClaimSpec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}}]}}""");
        spec["monitoring"] = JsonNode.Parse("""{"exporter": {}}""");
        spec["proxy"] = JsonNode.Parse("""{"pgBouncer": {"port": 6432}}""");
        if (images)
        {
            spec["backups"]!["pgbackrest"]!["image"] = "registry.example/pgbackrest:2.45";
            spec["monitoring"]!["exporter"]!["image"] = "registry.example/exporter:0.11";
            spec["proxy"]!["pgBouncer"]!["image"] = "registry.example/pgbouncer:1.18";
        }

        return hippo;
    }

    [Fact]
    public async Task Backups_monitoring_and_pooling_without_images_are_refused_with_where_to_set_each()
    {
        await ApplyAsync(HippoWithSidecars(images: false));
        var status = await WaitForStatusAsync(s => s["lastError"] is not null, "lastError");
        Assert.Equal(
            "no image for pgBackRest: set spec.backups.pgbackrest.image, or RELATED_IMAGE_PGBACKREST on the operator; for postgres_exporter: set spec.monitoring.exporter.image, or RELATED_IMAGE_EXPORTER on the operator; for PgBouncer: set spec.proxy.pgBouncer.image, or RELATED_IMAGE_PGBOUNCER on the operator",
            status["lastError"]!.GetValue<string>());
        Assert.Empty(await NamesAsync(ApiResource.StatefulSet));
    }

    [Fact]
    public async Task Backups_monitoring_and_pooling_get_their_objects_and_passwords_of_their_own()
    {
        await ApplyAsync(HippoWithSidecars(images: true));
        await WaitForStatusAsync(s => Phase(s) == "Creating", "phase Creating");

        Assert.Equal(["hippo-pgbouncer"], await NamesAsync(ApiResource.Deployment));
        Assert.Equal(["hippo-repo1"], await NamesAsync(ApiResource.PersistentVolumeClaim));
        Assert.Contains("hippo-pgbackrest-config", await NamesAsync(ApiResource.ConfigMap));
        var internalSecret = (await server.Admin.GetAsync(ApiResource.Secret, _ns, "hippo-internal"))!["data"]!.AsObject();
        Assert.True(internalSecret.ContainsKey("monitor-password"));
        Assert.True(internalSecret.ContainsKey("pgbouncer-password"));
        var user = (await server.Admin.GetAsync(ApiResource.Secret, _ns, "hippo-pguser-hippo"))!["data"]!.AsObject();
        Assert.True(user.ContainsKey("pgbouncer-uri"));
        // The pooler serves clients with the cluster's certificate, so verify-full works through its Service.
        using var certificate = await ClusterCertificateAsync();
        Assert.True(certificate.MatchesHostname($"hippo-pgbouncer.{_ns}.svc", allowWildcards: false, allowCommonName: false));
    }

    private async Task<X509Certificate2> ClusterCertificateAsync() =>
        X509Certificate2.CreateFromPem(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(
            (await server.Admin.GetAsync(ApiResource.Secret, _ns, "hippo-cluster-cert"))!["data"]!["tls.crt"]!.GetValue<string>())));

    [Fact]
    public async Task Turning_the_pooler_on_later_issues_a_certificate_that_names_its_Service()
    {
        await ApplyAsync(Hippo());
        await WaitForStatusAsync(s => Phase(s) == "Creating", "phase Creating");
        string before;
        using (var first = await ClusterCertificateAsync())
        {
            before = first.SerialNumber;
        }

        await ApplyAsync(HippoWithSidecars(images: true));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        X509Certificate2 certificate;
        while ((certificate = await ClusterCertificateAsync()).SerialNumber == before && DateTime.UtcNow < deadline)
        {
            certificate.Dispose();
            await Task.Delay(200);
        }

        using var reissued = certificate;
        Assert.True(reissued.MatchesHostname($"hippo-pgbouncer.{_ns}.svc", allowWildcards: false, allowCommonName: false));
        Assert.True(reissued.MatchesHostname($"hippo-primary.{_ns}.svc", allowWildcards: false, allowCommonName: false));
    }

    [Fact]
    public async Task A_user_without_options_as_in_PGOs_examples_is_accepted_and_reconciled()
    {
        var hippo = Hippo(replicas: 1);
        hippo["spec"]!["users"]![0]!.AsObject().Remove("options");
        await ApplyAsync(hippo);
        var status = await WaitForStatusAsync(s => Phase(s) == "Creating", "phase Creating");
        Assert.Null(status["lastError"]);
        Assert.Contains("hippo-pguser-hippo", await NamesAsync(ApiResource.Secret));
    }
}
