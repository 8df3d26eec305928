using System.Text;
using System.Text.Json.Nodes;
using Tusk.Kubernetes.Builders;

namespace Tusk.Tests.Kubernetes.Builders;

/// <summary>pgBackRest, the exporter and PgBouncer on Kubernetes: the objects and containers they add, and only when the spec turns them on.</summary>
public sealed class SidecarBuildersTests
{
    private const string Hardened =
        """{"runAsNonRoot":true,"privileged":false,"allowPrivilegeEscalation":false,"readOnlyRootFilesystem":true,"capabilities":{"drop":["ALL"]},"seccompProfile":{"type":"RuntimeDefault"}}""";

    private static List<JsonObject> Objects(string yaml = BuildRequests.HippoWithSidecars) =>
        [.. ClusterObjectsBuilder.Build(BuildRequests.From(yaml))];

    private static string Kind(JsonObject o) => o["kind"]!.GetValue<string>();

    private static string Name(JsonObject o) => o["metadata"]!["name"]!.GetValue<string>();

    private static JsonObject Single(IEnumerable<JsonObject> objects, string kind, string? name = null) =>
        Assert.Single(objects, o => Kind(o) == kind && (name is null || Name(o) == name));

    private static string Decode(JsonObject secret, string key) =>
        Encoding.UTF8.GetString(Convert.FromBase64String(secret["data"]![key]!.GetValue<string>()));

    private static JsonNode Pod(List<JsonObject> objects) => Single(objects, "StatefulSet")["spec"]!["template"]!["spec"]!;

    private static JsonNode Container(JsonNode pod, string name) =>
        Assert.Single(pod["containers"]!.AsArray(), c => c!["name"]!.GetValue<string>() == name)!;

    private static Dictionary<string, string> Mounts(JsonNode container) =>
        container["volumeMounts"]!.AsArray().ToDictionary(m => m!["mountPath"]!.GetValue<string>(), m => m!["name"]!.GetValue<string>());

    private static Dictionary<string, JsonNode> Env(JsonNode container) =>
        container["env"]!.AsArray().ToDictionary(e => e!["name"]!.GetValue<string>(), e => e!);

    private static string PatroniParameter(List<JsonObject> objects, string name)
    {
        var yaml = Single(objects, "ConfigMap", "hippo-config")["data"]!["patroni.yaml"]!.GetValue<string>();
        var line = Assert.Single(yaml.Split('\n'), l => l.TrimStart().StartsWith(name + ":", StringComparison.Ordinal));
        return line.Trim()[(name.Length + 1)..].Trim().Trim('\'', '"');
    }

    [Fact]
    public void With_backups_monitoring_and_pooling_on_the_cluster_gets_pgo_named_objects_for_each()
    {
        var names = Objects().Select(o => $"{Kind(o)}/{Name(o)}").ToList();
        var suffix = ObjectNames.Suffix(BuildRequests.Uid, "instance1");
        Assert.Equal(
            [
                "ServiceAccount/hippo-instance", "Role/hippo-instance", "RoleBinding/hippo-instance",
                "ServiceAccount/hippo-pgbackrest", "Role/hippo-pgbackrest", "RoleBinding/hippo-pgbackrest",
                "Secret/hippo-pguser-hippo", "Secret/hippo-cluster-cert", "Secret/hippo-replication-cert", "Secret/hippo-internal", "Secret/tusk-root-cacert",
                "ConfigMap/hippo-config",
                "ConfigMap/hippo-pgbackrest-config", "PersistentVolumeClaim/hippo-repo1", "PersistentVolumeClaim/hippo-repo2",
                "ConfigMap/hippo-pgbouncer", "Secret/hippo-pgbouncer",
                "Service/hippo-primary", "Service/hippo-replicas", "Service/hippo-pods", "Service/hippo-pgbouncer",
                "PodDisruptionBudget/hippo-set-instance1",
                $"StatefulSet/hippo-instance1-{suffix}",
                "Deployment/hippo-pgbouncer",
            ],
            names);
        Assert.Equal(["database", "pgbackrest", "exporter"], Pod(Objects())["containers"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
    }

    [Fact]
    public void Without_those_features_nothing_of_them_is_built_and_wal_is_archived_by_true()
    {
        var objects = Objects(BuildRequests.Hippo);
        Assert.DoesNotContain(objects, o => Name(o).Contains("pgbackrest", StringComparison.Ordinal) || Name(o).Contains("pgbouncer", StringComparison.Ordinal));
        Assert.DoesNotContain(objects, o => Kind(o) is "PersistentVolumeClaim" or "Deployment");
        Assert.Equal(["database"], Pod(objects)["containers"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal(["replication-password", "restapi-password", "rewind-password", "superuser-password"], Single(objects, "Secret", "hippo-internal")["data"]!.AsObject().Select(kv => kv.Key));
        Assert.DoesNotContain("pgbouncer-", string.Join(',', Single(objects, "Secret", "hippo-pguser-hippo")["data"]!.AsObject().Select(kv => kv.Key)), StringComparison.Ordinal);
        Assert.Equal("on", PatroniParameter(objects, "archive_mode"));
        Assert.Equal("/bin/true", PatroniParameter(objects, "archive_command"));
    }

    [Fact]
    public void Every_new_object_is_labelled_with_the_cluster_and_owned_by_it_except_the_repository_claims_which_outlive_it()
    {
        foreach (var o in Objects().Where(o => Name(o).Contains("pgbackrest", StringComparison.Ordinal) || Name(o).Contains("pgbouncer", StringComparison.Ordinal) || Name(o).Contains("repo", StringComparison.Ordinal)))
        {
            Assert.Equal("hippo", o["metadata"]!["labels"]![Labels.Cluster]!.GetValue<string>());
            Assert.Equal("tusk", o["metadata"]!["labels"]![Labels.ManagedBy]!.GetValue<string>());
            if (o["kind"]!.GetValue<string>() == "PersistentVolumeClaim")
            {
                Assert.Null(o["metadata"]!["ownerReferences"]);
                continue;
            }

            var owner = Assert.Single(o["metadata"]!["ownerReferences"]!.AsArray())!;
            Assert.Equal(BuildRequests.Uid, owner["uid"]!.GetValue<string>());
            Assert.True(owner["controller"]!.GetValue<bool>());
        }
    }

    [Fact]
    public void Pgbackrest_config_has_the_local_runtimes_shape_with_repositories_under_slash_pgbackrest()
    {
        var config = Single(Objects(), "ConfigMap", "hippo-pgbackrest-config")["data"]!["pgbackrest.conf"]!.GetValue<string>();
        Assert.Equal(
            """
            [global]
            archive-async=y
            compress-type=zst
            lock-path=/tmp/pgbackrest
            log-level-console=warn
            log-level-file=info
            log-path=/pgdata/pgbackrest/log
            repo1-path=/pgbackrest/repo1
            repo1-retention-full=3
            repo2-path=/pgbackrest/repo2
            repo2-retention-full=2
            spool-path=/pgdata/pgbackrest/spool
            start-fast=y
            [db]
            pg1-path=/pgdata/pg15
            pg1-socket-path=/var/run/postgresql
            pg1-port=5432
            pg1-user=postgres

            """.ReplaceLineEndings("\n"),
            config);
    }

    [Fact]
    public void Each_volume_repository_gets_its_claim_from_the_spec_mounted_in_both_containers()
    {
        var objects = Objects();
        var repo2 = Single(objects, "PersistentVolumeClaim", "hippo-repo2");
        Assert.Equal("""{"accessModes":["ReadWriteMany"],"storageClassName":"slow","resources":{"requests":{"storage":"50Gi"}}}""", repo2["spec"]!.ToJsonString());
        Assert.Equal("repo2", repo2["metadata"]!["labels"]!["tusk.dev/repo"]!.GetValue<string>());
        var pod = Pod(objects);
        var volumes = pod["volumes"]!.AsArray().ToDictionary(v => v!["name"]!.GetValue<string>(), v => v!);
        Assert.Equal("hippo-repo1", volumes["repo1"]["persistentVolumeClaim"]!["claimName"]!.GetValue<string>());
        Assert.Equal("hippo-pgbackrest-config", volumes["pgbackrest-config"]["configMap"]!["name"]!.GetValue<string>());
        foreach (var name in new[] { "database", "pgbackrest" })
        {
            var mounts = Mounts(Container(pod, name));
            Assert.Equal("repo1", mounts["/pgbackrest/repo1"]);
            Assert.Equal("repo2", mounts["/pgbackrest/repo2"]);
            Assert.Equal("pgbackrest-config", mounts["/etc/pgbackrest"]);
            Assert.Equal("pgdata", mounts["/pgdata"]);
        }

        var sidecar = Container(pod, "pgbackrest");
        Assert.Equal(BuildRequests.PgBackRestImage, sidecar["image"]!.GetValue<string>());
        Assert.Equal("run", Mounts(sidecar)["/var/run/postgresql"]);
        Assert.Equal(Hardened, sidecar["securityContext"]!.ToJsonString());
    }

    [Fact]
    public void With_backups_postgresql_archives_through_pgbackrest_with_the_data_directory_spelt_out()
    {
        Assert.Equal("pgbackrest --stanza=db --pg1-path=/pgdata/pg15 archive-push %p", PatroniParameter(Objects(), "archive_command"));
        Assert.Equal("on", PatroniParameter(Objects(), "archive_mode"));
    }

    [Fact]
    public void A_repository_without_a_volume_is_refused_with_the_field_and_the_reason()
    {
        var yaml = BuildRequests.HippoWithSidecars.Replace(
            "volume: {volumeClaimSpec: {accessModes: [ReadWriteMany], storageClassName: slow, resources: {requests: {storage: 50Gi}}}}",
            "s3: {bucket: b, endpoint: s3.example, region: x}", StringComparison.Ordinal);
        var error = Assert.Throws<ArgumentException>(() => ClusterObjectsBuilder.Build(BuildRequests.From(yaml)));
        Assert.Contains("spec.backups.pgbackrest.repos[repo2]: no volume.volumeClaimSpec", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pgBackRest", "spec.backups.pgbackrest.image", "RELATED_IMAGE_PGBACKREST")]
    [InlineData("postgres_exporter", "spec.monitoring.exporter.image", "RELATED_IMAGE_EXPORTER")]
    [InlineData("PgBouncer", "spec.proxy.pgBouncer.image", "RELATED_IMAGE_PGBOUNCER")]
    public void A_missing_image_is_refused_saying_where_to_set_it(string what, string field, string variable)
    {
        var request = BuildRequests.From(BuildRequests.HippoWithSidecars);
        request = what switch
        {
            "pgBackRest" => request with { PgBackRestImage = null },
            "postgres_exporter" => request with { ExporterImage = null },
            _ => request with { PgBouncerImage = null },
        };
        var error = Assert.Throws<ArgumentException>(() => ClusterObjectsBuilder.Build(request));
        Assert.StartsWith($"no {what} image in the build request: set {field}, or {variable} on the operator", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sidecar_images_come_from_the_spec_else_from_the_operators_related_images()
    {
        var related = new Dictionary<string, string> { ["RELATED_IMAGE_PGBACKREST"] = "r/pgbackrest", ["RELATED_IMAGE_EXPORTER"] = "r/exporter", ["RELATED_IMAGE_PGBOUNCER"] = "r/pgbouncer" };
        var cluster = BuildRequests.From(BuildRequests.HippoWithSidecars).Cluster;
        Assert.Equal("r/pgbackrest", SidecarImages.PgBackRest(cluster, related));
        Assert.Equal("r/exporter", SidecarImages.Exporter(cluster, related));
        Assert.Equal("r/pgbouncer", SidecarImages.PgBouncer(cluster, related));
        var withImages = BuildRequests.HippoWithSidecars
            .Replace("    pgbackrest:\n", "    pgbackrest:\n      image: s/pgbackrest\n", StringComparison.Ordinal)
            .Replace("    exporter:\n", "    exporter:\n      image: s/exporter\n", StringComparison.Ordinal)
            .Replace("    pgBouncer:\n", "    pgBouncer:\n      image: s/pgbouncer\n", StringComparison.Ordinal);
        cluster = BuildRequests.From(withImages).Cluster;
        Assert.Equal("s/pgbackrest", SidecarImages.PgBackRest(cluster, related));
        Assert.Equal("s/exporter", SidecarImages.Exporter(cluster, related));
        Assert.Equal("s/pgbouncer", SidecarImages.PgBouncer(cluster, related));
        Assert.Null(SidecarImages.PgBouncer(BuildRequests.From(BuildRequests.HippoWithSidecars).Cluster, new Dictionary<string, string>()));
    }

    [Fact]
    public void The_exporter_reaches_postgresql_over_loopback_as_the_monitor_role_with_its_password_in_a_file()
    {
        var objects = Objects();
        var pod = Pod(objects);
        var exporter = Container(pod, "exporter");
        Assert.Equal(BuildRequests.ExporterImage, exporter["image"]!.GetValue<string>());
        Assert.Equal("""["postgres_exporter"]""", exporter["command"]!.ToJsonString());
        Assert.Equal("""[{"name":"metrics","containerPort":9187,"protocol":"TCP"}]""", exporter["ports"]!.ToJsonString());
        var env = Env(exporter);
        Assert.Equal("127.0.0.1:5432/postgres?sslmode=verify-ca&sslrootcert=/etc/tusk/tls/ca.crt", env["DATA_SOURCE_URI"]["value"]!.GetValue<string>());
        Assert.Equal("tusk_monitor", env["DATA_SOURCE_USER"]["value"]!.GetValue<string>());
        Assert.Equal("/etc/tusk/exporter/password", env["DATA_SOURCE_PASS_FILE"]["value"]!.GetValue<string>());
        Assert.Equal("exporter-password", Mounts(exporter)["/etc/tusk/exporter"]);
        Assert.Equal("128Mi", exporter["resources"]!["limits"]!["memory"]!.GetValue<string>());
        Assert.Equal(Hardened, exporter["securityContext"]!.ToJsonString());
        var volume = Assert.Single(pod["volumes"]!.AsArray(), v => v!["name"]!.GetValue<string>() == "exporter-password")!;
        Assert.Equal("""{"secretName":"hippo-internal","defaultMode":288,"items":[{"key":"monitor-password","path":"password"}]}""", volume["secret"]!.ToJsonString());
        Assert.Equal("monitor-secret", Decode(Single(objects, "Secret", "hippo-internal"), "monitor-password"));
        var everything = string.Join('\n', objects.Where(o => Kind(o) != "Secret").Select(o => o.ToJsonString()));
        Assert.DoesNotContain("monitor-secret", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("bouncer-\\u0022secret", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("bouncer-\"secret", everything, StringComparison.Ordinal);
    }

    [Fact]
    public void The_exporter_needs_its_password_in_the_request()
    {
        var request = BuildRequests.From(BuildRequests.HippoWithSidecars);
        var error = Assert.Throws<ArgumentException>(() => ClusterObjectsBuilder.Build(request with { Internal = request.Internal with { Monitor = null } }));
        Assert.Contains("no password for tusk_monitor", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pgbouncer_runs_hardened_in_its_own_deployment_behind_its_service()
    {
        var objects = Objects();
        var deployment = Single(objects, "Deployment", "hippo-pgbouncer");
        Assert.Equal(2, deployment["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal("""{"tusk.dev/cluster":"hippo","tusk.dev/role":"pgbouncer"}""", deployment["spec"]!["selector"]!["matchLabels"]!.ToJsonString());
        var pod = deployment["spec"]!["template"]!["spec"]!;
        Assert.Equal(
            """{"runAsNonRoot":true,"runAsUser":999,"runAsGroup":999,"fsGroup":999,"fsGroupChangePolicy":"OnRootMismatch","seccompProfile":{"type":"RuntimeDefault"}}""",
            pod["securityContext"]!.ToJsonString());
        Assert.False(pod["automountServiceAccountToken"]!.GetValue<bool>());
        var container = Assert.Single(pod["containers"]!.AsArray())!;
        Assert.Equal("pgbouncer", container["name"]!.GetValue<string>());
        Assert.Equal(BuildRequests.PgBouncerImage, container["image"]!.GetValue<string>());
        Assert.Equal(["pgbouncer", "/etc/pgbouncer/pgbouncer.ini"], container["command"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(Hardened, container["securityContext"]!.ToJsonString());
        var writable = container["volumeMounts"]!.AsArray().Where(m => m!["readOnly"] is null).Select(m => m!["mountPath"]!.GetValue<string>());
        Assert.Equal(["/tmp"], writable);
        Assert.Equal("""{"tusk.dev/cluster":"hippo","tusk.dev/role":"pgbouncer"}""", pod["affinity"]!["podAntiAffinity"]!["preferredDuringSchedulingIgnoredDuringExecution"]![0]!["podAffinityTerm"]!["labelSelector"]!["matchLabels"]!.ToJsonString());

        var service = Single(objects, "Service", "hippo-pgbouncer")["spec"]!;
        Assert.Equal("""{"tusk.dev/cluster":"hippo","tusk.dev/role":"pgbouncer"}""", service["selector"]!.ToJsonString());
        Assert.Equal("""[{"name":"pgbouncer","port":6432,"protocol":"TCP","targetPort":"pgbouncer"}]""", service["ports"]!.ToJsonString());
    }

    [Fact]
    public void Pgbouncer_forwards_to_the_primary_service_and_looks_passwords_up_through_its_own_role()
    {
        var objects = Objects();
        var ini = Single(objects, "ConfigMap", "hippo-pgbouncer")["data"]!["pgbouncer.ini"]!.GetValue<string>();
        Assert.Contains("* = host=hippo-primary port=5432\n", ini, StringComparison.Ordinal);
        Assert.Contains("listen_addr = *\n", ini, StringComparison.Ordinal);
        Assert.Contains("listen_port = 6432\n", ini, StringComparison.Ordinal);
        Assert.Contains("pool_mode = transaction\n", ini, StringComparison.Ordinal);
        Assert.Contains("server_idle_timeout = 60\n", ini, StringComparison.Ordinal);
        Assert.Contains("auth_user = tusk_pgbouncer\n", ini, StringComparison.Ordinal);
        Assert.Contains("auth_file = /etc/pgbouncer-auth/users.txt\n", ini, StringComparison.Ordinal);
        Assert.Contains("server_tls_sslmode = verify-full\n", ini, StringComparison.Ordinal);
        Assert.Contains("client_tls_cert_file = /etc/tusk/tls/tls.crt\n", ini, StringComparison.Ordinal);
        var secret = Single(objects, "Secret", "hippo-pgbouncer");
        Assert.Equal("\"tusk_pgbouncer\" \"bouncer-\"\"secret\"\n", Decode(secret, "users.txt"));
        Assert.Equal("bouncer-\"secret", Decode(Single(objects, "Secret", "hippo-internal"), "pgbouncer-password"));
    }

    [Fact]
    public void A_new_pgbouncer_password_or_setting_rolls_its_pods_and_shutdown_stops_them()
    {
        static string Hash(BuildRequest r) =>
            PgBouncerBuilder.Deployments(r)[0]["spec"]!["template"]!["metadata"]!["annotations"]![PgBouncerBuilder.ConfigHashAnnotation]!.GetValue<string>();
        var request = BuildRequests.From(BuildRequests.HippoWithSidecars);
        Assert.Equal(Hash(request), Hash(BuildRequests.From(BuildRequests.HippoWithSidecars)));
        Assert.NotEqual(Hash(request), Hash(request with { Internal = request.Internal with { PgBouncer = "another" } }));
        Assert.NotEqual(Hash(request), Hash(BuildRequests.From(BuildRequests.HippoWithSidecars.Replace("poolMode: transaction", "poolMode: session", StringComparison.Ordinal))));
        var shutDown = BuildRequests.From(BuildRequests.HippoWithSidecars.Replace("spec:\n", "spec:\n  shutdown: true\n", StringComparison.Ordinal));
        Assert.Equal(0, PgBouncerBuilder.Deployments(shutDown)[0]["spec"]!["replicas"]!.GetValue<int>());
    }

    [Fact]
    public void User_secrets_get_the_pgbouncer_keys_pgo_users_read()
    {
        var secret = Single(Objects(), "Secret", "hippo-pguser-hippo");
        Assert.Equal(
            ["dbname", "host", "jdbc-uri", "password", "pgbouncer-host", "pgbouncer-jdbc-uri", "pgbouncer-port", "pgbouncer-uri", "port", "uri", "user"],
            secret["data"]!.AsObject().Select(kv => kv.Key));
        Assert.Equal("hippo-pgbouncer.db.svc", Decode(secret, "pgbouncer-host"));
        Assert.Equal("6432", Decode(secret, "pgbouncer-port"));
        Assert.Equal("postgresql://hippo:pw-hippo%40%2F%3F%26@hippo-pgbouncer.db.svc:6432/hippo", Decode(secret, "pgbouncer-uri"));
        Assert.Equal("jdbc:postgresql://hippo-pgbouncer.db.svc:6432/hippo?password=pw-hippo%40%2F%3F%26&user=hippo&prepareThreshold=0", Decode(secret, "pgbouncer-jdbc-uri"));
    }
}
