using System.Text;
using System.Text.Json.Nodes;
using Tusk.Kubernetes.Builders;

namespace Tusk.Tests.Kubernetes.Builders;

public sealed class ClusterObjectsBuilderTests
{
    private static List<JsonObject> Objects(string yaml = BuildRequests.Hippo, string uid = BuildRequests.Uid) =>
        [.. ClusterObjectsBuilder.Build(BuildRequests.From(yaml, uid))];

    private static string Kind(JsonObject o) => o["kind"]!.GetValue<string>();

    private static string Name(JsonObject o) => o["metadata"]!["name"]!.GetValue<string>();

    private static JsonObject Single(IEnumerable<JsonObject> objects, string kind, string? name = null) =>
        Assert.Single(objects, o => Kind(o) == kind && (name is null || Name(o) == name));

    private static string Decode(JsonObject secret, string key) =>
        Encoding.UTF8.GetString(Convert.FromBase64String(secret["data"]![key]!.GetValue<string>()));

    [Fact]
    public void A_cluster_gets_the_objects_crunchy_pgo_users_know_by_name()
    {
        var suffix = ObjectNames.Suffix(BuildRequests.Uid, "instance1");
        var names = Objects().Select(o => $"{Kind(o)}/{Name(o)}").ToList();
        Assert.Equal(
            [
                "ServiceAccount/hippo-instance", "Role/hippo-instance", "RoleBinding/hippo-instance",
                "Secret/hippo-pguser-hippo", "Secret/hippo-cluster-cert", "Secret/hippo-replication-cert", "Secret/hippo-internal", "Secret/tusk-root-cacert",
                "ConfigMap/hippo-config",
                "Service/hippo-primary", "Service/hippo-replicas", "Service/hippo-pods",
                "PodDisruptionBudget/hippo-set-instance1",
                $"StatefulSet/hippo-instance1-{suffix}",
            ],
            names);
    }

    [Fact]
    public void The_statefulset_suffix_is_stable_for_a_cluster_and_differs_when_the_cluster_is_created_again()
    {
        var first = ObjectNames.StatefulSet("hippo", "instance1", BuildRequests.Uid);
        Assert.Equal(first, ObjectNames.StatefulSet("hippo", "instance1", BuildRequests.Uid));
        Assert.NotEqual(first, ObjectNames.StatefulSet("hippo", "instance1", "another-uid"));
        Assert.Matches("^hippo-instance1-[a-z0-9]{4}$", first);
    }

    [Fact]
    public void Building_twice_gives_identical_objects()
    {
        Assert.Equal(
            Objects().Select(o => o.ToJsonString()),
            Objects().Select(o => o.ToJsonString()));
    }

    [Fact]
    public void Every_object_but_the_shared_root_CA_is_owned_by_its_cluster_and_carries_its_labels()
    {
        foreach (var o in Objects())
        {
            var labels = o["metadata"]!["labels"]!.AsObject();
            Assert.Equal("tusk", labels[Labels.ManagedBy]!.GetValue<string>());
            Assert.Equal("db", o["metadata"]!["namespace"]!.GetValue<string>());
            if (Name(o) == ObjectNames.RootCa)
            {
                Assert.Null(o["metadata"]!["ownerReferences"]);
                continue;
            }

            Assert.Equal("hippo", labels[Labels.Cluster]!.GetValue<string>());
            var owner = Assert.Single(o["metadata"]!["ownerReferences"]!.AsArray())!;
            Assert.Equal(
                """{"apiVersion":"tusk.dev/v1","kind":"PostgresCluster","name":"hippo","uid":"7d9c4a1e-0000-4000-8000-000000000001","controller":true,"blockOwnerDeletion":true}""",
                owner.ToJsonString());
        }
    }

    [Fact]
    public void Pods_run_hardened_as_a_numeric_non_root_user_with_a_read_only_root_filesystem()
    {
        var pod = Single(Objects(), "StatefulSet")["spec"]!["template"]!["spec"]!;
        Assert.Equal(
            """{"runAsNonRoot":true,"runAsUser":999,"runAsGroup":999,"fsGroup":999,"fsGroupChangePolicy":"OnRootMismatch","seccompProfile":{"type":"RuntimeDefault"}}""",
            pod["securityContext"]!.ToJsonString());
        var container = Assert.Single(pod["containers"]!.AsArray())!;
        Assert.Equal("database", container["name"]!.GetValue<string>());
        Assert.Equal(
            """{"runAsNonRoot":true,"privileged":false,"allowPrivilegeEscalation":false,"readOnlyRootFilesystem":true,"capabilities":{"drop":["ALL"]},"seccompProfile":{"type":"RuntimeDefault"}}""",
            container["securityContext"]!.ToJsonString());
        // Writable only where PostgreSQL and Patroni must write.
        var mounts = container["volumeMounts"]!.AsArray().Where(m => m!["readOnly"] is null).Select(m => m!["mountPath"]!.GetValue<string>());
        Assert.Equal(["/pgdata", "/tmp", "/var/run/postgresql", "/dev/shm"], mounts);
        Assert.Equal("hippo-instance", pod["serviceAccountName"]!.GetValue<string>());
    }

    [Fact]
    public void The_database_container_runs_patroni_with_passwords_from_the_internal_secret_never_in_arguments()
    {
        var objects = Objects();
        var container = Single(objects, "StatefulSet")["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal(["patroni", "/etc/patroni/patroni.yaml"], container["command"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(BuildRequests.Image, container["image"]!.GetValue<string>());
        var env = container["env"]!.AsArray().ToDictionary(e => e!["name"]!.GetValue<string>(), e => e!);
        Assert.Equal("hippo-internal", env["PATRONI_SUPERUSER_PASSWORD"]["valueFrom"]!["secretKeyRef"]!["name"]!.GetValue<string>());
        Assert.Equal("restapi-password", env["PATRONI_RESTAPI_PASSWORD"]["valueFrom"]!["secretKeyRef"]!["key"]!.GetValue<string>());
        Assert.Equal("metadata.name", env["PATRONI_NAME"]["valueFrom"]!["fieldRef"]!["fieldPath"]!.GetValue<string>());
        var everything = string.Join('\n', objects.Where(o => Kind(o) != "Secret").Select(o => o.ToJsonString()));
        Assert.DoesNotContain("super-secret", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("pw-hippo", everything, StringComparison.Ordinal);
    }

    [Fact]
    public void Instances_spread_across_nodes_by_default()
    {
        var affinity = Single(Objects(), "StatefulSet")["spec"]!["template"]!["spec"]!["affinity"]!;
        var term = affinity["podAntiAffinity"]!["preferredDuringSchedulingIgnoredDuringExecution"]![0]!["podAffinityTerm"]!;
        Assert.Equal("kubernetes.io/hostname", term["topologyKey"]!.GetValue<string>());
        Assert.Equal("""{"tusk.dev/cluster":"hippo","tusk.dev/instance-set":"instance1"}""", term["labelSelector"]!["matchLabels"]!.ToJsonString());
    }

    [Fact]
    public void Scheduling_resources_and_metadata_from_the_spec_are_passed_through()
    {
        const string yaml = """
            apiVersion: tusk.dev/v1
            kind: PostgresCluster
            metadata: {name: hippo, namespace: db}
            spec:
              imagePullSecrets: [{name: regcred}]
              imagePullPolicy: IfNotPresent
              metadata: {labels: {team: payments}}
              instances:
                - name: big
                  replicas: 2
                  priorityClassName: databases
                  resources: {limits: {cpu: "2", memory: 4Gi}}
                  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: disk, operator: In, values: [ssd]}]}]}}}
                  tolerations: [{key: dedicated, operator: Equal, value: db, effect: NoSchedule}]
                  topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {tusk.dev/cluster: hippo}}}]
                  dataVolumeClaimSpec: {accessModes: [ReadWriteOnce], storageClassName: fast, resources: {requests: {storage: 20Gi}}}
                  metadata: {annotations: {backup: nightly}, labels: {tusk.dev/cluster: not-hippo}}
            """;
        var sts = Single(Objects(yaml), "StatefulSet");
        var pod = sts["spec"]!["template"]!["spec"]!;
        Assert.Equal("""[{"name":"regcred"}]""", pod["imagePullSecrets"]!.ToJsonString());
        Assert.Equal("databases", pod["priorityClassName"]!.GetValue<string>());
        Assert.Equal("ssd", pod["affinity"]!["nodeAffinity"]!["requiredDuringSchedulingIgnoredDuringExecution"]!["nodeSelectorTerms"]![0]!["matchExpressions"]![0]!["values"]![0]!.GetValue<string>());
        Assert.Null(pod["affinity"]!["podAntiAffinity"]);
        Assert.Equal("dedicated", pod["tolerations"]![0]!["key"]!.GetValue<string>());
        Assert.Equal("topology.kubernetes.io/zone", pod["topologySpreadConstraints"]![0]!["topologyKey"]!.GetValue<string>());
        Assert.Equal("4Gi", pod["containers"]![0]!["resources"]!["limits"]!["memory"]!.GetValue<string>());
        Assert.Equal("IfNotPresent", pod["containers"]![0]!["imagePullPolicy"]!.GetValue<string>());
        Assert.Equal("fast", sts["spec"]!["volumeClaimTemplates"]![0]!["spec"]!["storageClassName"]!.GetValue<string>());
        var template = sts["spec"]!["template"]!["metadata"]!;
        Assert.Equal("payments", template["labels"]!["team"]!.GetValue<string>());
        Assert.Equal("nightly", template["annotations"]!["backup"]!.GetValue<string>());
        // A user's label cannot move the pods out of their own StatefulSet's selector.
        Assert.Equal("hippo", template["labels"]![Labels.Cluster]!.GetValue<string>());
    }

    [Fact]
    public void A_user_secret_holds_every_key_pgo_users_read_with_the_password_escaped_in_uris()
    {
        var secret = Single(Objects(), "Secret", "hippo-pguser-hippo");
        Assert.Equal(["dbname", "host", "jdbc-uri", "password", "port", "uri", "user"], secret["data"]!.AsObject().Select(kv => kv.Key));
        Assert.Equal("hippo", Decode(secret, "user"));
        Assert.Equal("pw-hippo@/?&", Decode(secret, "password"));
        Assert.Equal("hippo", Decode(secret, "dbname"));
        Assert.Equal("hippo-primary.db.svc", Decode(secret, "host"));
        Assert.Equal("5432", Decode(secret, "port"));
        Assert.Equal("postgresql://hippo:pw-hippo%40%2F%3F%26@hippo-primary.db.svc:5432/hippo", Decode(secret, "uri"));
        Assert.Equal("jdbc:postgresql://hippo-primary.db.svc:5432/hippo?password=pw-hippo%40%2F%3F%26&user=hippo", Decode(secret, "jdbc-uri"));
        Assert.Equal("pguser", secret["metadata"]!["labels"]![Labels.Role]!.GetValue<string>());
    }

    [Fact]
    public void Certificates_are_stored_with_their_CA_under_the_keys_pgo_uses()
    {
        var objects = Objects();
        var cert = Single(objects, "Secret", "hippo-cluster-cert");
        Assert.Equal(["ca.crt", "tls.crt", "tls.key"], cert["data"]!.AsObject().Select(kv => kv.Key));
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", Decode(cert, "tls.crt"), StringComparison.Ordinal);
        var root = Single(objects, "Secret", "tusk-root-cacert");
        Assert.Equal(Decode(cert, "ca.crt"), Decode(root, "root.crt"));
        Assert.Contains("PRIVATE KEY", Decode(root, "root.key"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_primary_and_replica_services_select_pods_by_the_role_patroni_writes_and_the_pods_service_is_headless()
    {
        var objects = Objects();
        Assert.Equal("""{"tusk.dev/cluster":"hippo","tusk.dev/role":"master"}""", Single(objects, "Service", "hippo-primary")["spec"]!["selector"]!.ToJsonString());
        Assert.Equal("""{"tusk.dev/cluster":"hippo","tusk.dev/role":"replica"}""", Single(objects, "Service", "hippo-replicas")["spec"]!["selector"]!.ToJsonString());
        var pods = Single(objects, "Service", "hippo-pods")["spec"]!;
        Assert.Equal("None", pods["clusterIP"]!.GetValue<string>());
        Assert.True(pods["publishNotReadyAddresses"]!.GetValue<bool>());
        Assert.Equal("hippo-pods", Single(objects, "StatefulSet")["spec"]!["serviceName"]!.GetValue<string>());
        Assert.Equal("tusk.dev/role", PatroniConfigMapBuilder.Config(BuildRequests.From(BuildRequests.Hippo).Plan)["kubernetes"]!["role_label"]!.GetValue<string>());
    }

    [Fact]
    public void Patroni_gets_least_privilege_on_configmaps_and_pods_only()
    {
        var role = Single(Objects(), "Role");
        var rules = role["rules"]!.AsArray().Select(r => $"{r!["resources"]![0]}: {string.Join(',', r["verbs"]!.AsArray().Select(v => v!.GetValue<string>()))}");
        Assert.Equal(["configmaps: create,get,list,patch,update,watch", "pods: get,list,patch,update,watch"], rules);
        var binding = Single(Objects(), "RoleBinding");
        Assert.Equal("""[{"kind":"ServiceAccount","name":"hippo-instance","namespace":"db"}]""", binding["subjects"]!.ToJsonString());
    }

    [Fact]
    public void The_patroni_configuration_comes_from_the_shared_plan_and_holds_no_password()
    {
        var request = BuildRequests.From(BuildRequests.Hippo);
        var text = Single(ClusterObjectsBuilder.Build(request), "ConfigMap")["data"]!["patroni.yaml"]!.GetValue<string>();
        var config = PatroniConfigMapBuilder.Config(request.Plan);
        Assert.Equal("hippo-ha", config["scope"]!.GetValue<string>());
        Assert.False(config["kubernetes"]!["use_endpoints"]!.GetValue<bool>());
        Assert.Equal(request.Plan.Timings.Ttl, config["bootstrap"]!["dcs"]!["ttl"]!.GetValue<int>());
        Assert.Equal("replica", config["bootstrap"]!["dcs"]!["postgresql"]!["parameters"]!["wal_level"]!.GetValue<string>());
        Assert.Contains("hostnossl all all all reject", config["postgresql"]!["pg_hba"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal("/pgdata/pg15", config["postgresql"]!["data_dir"]!.GetValue<string>());
        // Members check each other's REST API against the cluster's CA (pod addresses are not in the certificate).
        Assert.Equal("/etc/tusk/tls/ca.crt", config["restapi"]!["cafile"]!.GetValue<string>());
        Assert.True(config["ctl"]!["insecure"]!.GetValue<bool>());
        foreach (var secret in new[] { request.Internal.Superuser, request.Internal.Replication, request.Internal.Rewind, request.Internal.RestApi, request.UserPasswords["hippo"] })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        Assert.Null(config["postgresql"]!["authentication"]!["superuser"]!["password"]);
        Assert.Contains("scope: hippo-ha", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_sets_with_more_than_one_instance_get_a_disruption_budget_in_the_discovered_api_version()
    {
        const string yaml = """
            apiVersion: tusk.dev/v1
            kind: PostgresCluster
            metadata: {name: hippo, namespace: db}
            spec:
              instances:
                - {name: a, replicas: 3}
                - {name: b, replicas: 1}
                - {name: c, replicas: 1, minAvailable: 1}
            """;
        var v1 = ClusterObjectsBuilder.Build(BuildRequests.From(yaml, pdbApiVersion: "policy/v1")).Where(o => Kind(o) == "PodDisruptionBudget").ToList();
        Assert.Equal(["hippo-set-a", "hippo-set-c"], v1.Select(Name));
        Assert.All(v1, p => Assert.Equal("policy/v1", p["apiVersion"]!.GetValue<string>()));
        Assert.Equal(1, v1[0]["spec"]!["minAvailable"]!.GetValue<int>());
        Assert.Equal("""{"tusk.dev/cluster":"hippo","tusk.dev/instance-set":"a"}""", v1[0]["spec"]!["selector"]!["matchLabels"]!.ToJsonString());
        Assert.All(Objects(yaml).Where(o => Kind(o) == "PodDisruptionBudget"), p => Assert.Equal("policy/v1beta1", p["apiVersion"]!.GetValue<string>()));
    }

    [Fact]
    public void A_shut_down_cluster_keeps_its_statefulsets_at_zero_replicas_and_has_no_disruption_budget()
    {
        var objects = Objects(BuildRequests.Hippo.Replace("spec:\n", "spec:\n  shutdown: true\n", StringComparison.Ordinal));
        Assert.Equal(0, Single(objects, "StatefulSet")["spec"]!["replicas"]!.GetValue<int>());
        Assert.DoesNotContain(objects, o => Kind(o) == "PodDisruptionBudget");
    }
}
