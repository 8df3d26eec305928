using System.Runtime.Versioning;
using Tusk.Api;
using Tusk.Api.Validation;
using static Tusk.Tests.Api.Manifests;

namespace Tusk.Tests.Api;

/// <summary>Valid manifests pass the front door: read, defaulted and validated without errors.</summary>
[SupportedOSPlatform("linux")]
public class ClusterManifestTests
{
    /// <summary>Crunchy PGO's documented hippo example (v5.3), unchanged.</summary>
    private const string CrunchyHippo = """
        apiVersion: postgres-operator.crunchydata.com/v1beta1
        kind: PostgresCluster
        metadata:
          name: hippo
        spec:
          image: registry.developers.crunchydata.com/crunchydata/crunchy-postgres:ubi8-15.1-0
          postgresVersion: 15
          instances:
            - name: instance1
              dataVolumeClaimSpec:
                accessModes:
                - "ReadWriteOnce"
                resources:
                  requests:
                    storage: 1Gi
          backups:
            pgbackrest:
              image: registry.developers.crunchydata.com/crunchydata/crunchy-pgbackrest:ubi8-2.41-0
              repos:
              - name: repo1
                volume:
                  volumeClaimSpec:
                    accessModes:
                    - "ReadWriteOnce"
                    resources:
                      requests:
                        storage: 1Gi

        """;

    [Fact]
    public void Crunchy_PGOs_hippo_example_is_accepted_unchanged()
    {
        var result = CheckOne(CrunchyHippo, OnlyPostgres15);

        Assert.Empty(result.Errors);
        Assert.True(result.IsValid);
        Assert.Equal("hippo", result.Cluster.Metadata.Name);
        Assert.Equal(15, result.Cluster.Spec.PostgresVersion);
        Assert.Equal("repo1", Assert.Single(result.Cluster.Spec.Backups!.Pgbackrest!.Repos!).Name);
    }

    [Fact]
    public void Crunchy_PGOs_hippo_example_warns_about_each_field_the_local_runtime_ignores_with_its_line()
    {
        var warnings = Render(CheckOne(CrunchyHippo, OnlyPostgres15).Warnings);

        Assert.Equal(
            [
                "hippo.yaml:6:10: warning: spec.image: used on Kubernetes only; the local runtime ignores it because the local runtime runs the PostgreSQL binaries installed on this machine",
                "hippo.yaml:10:7: warning: spec.instances[0].dataVolumeClaimSpec: used on Kubernetes only; the local runtime ignores it because the local runtime keeps data under the Tusk state directory",
                "hippo.yaml:18:14: warning: spec.backups.pgbackrest.image: used on Kubernetes only; the local runtime ignores it because the local runtime runs the installed pgbackrest",
                "hippo.yaml:21:9: warning: spec.backups.pgbackrest.repos[0].volume: used on Kubernetes only; the local runtime ignores it because the local runtime keeps repositories on disk under the state directory",
            ],
            warnings);
    }

    [Fact]
    public void On_Kubernetes_the_hippo_example_has_no_warnings_at_all()
    {
        Assert.Empty(CheckOne(CrunchyHippo, OnlyPostgres15, localRuntime: false).Problems);
    }

    [Fact]
    public void The_crunchy_hippo_file_in_examples_is_the_documented_text()
    {
        var text = File.ReadAllText(Path.Combine(Repository.Root, "examples", "crunchy-hippo.yaml"));

        Assert.Equal(CrunchyHippo, text);
    }

    [Fact]
    public void The_hippo_example_in_examples_is_valid_and_says_what_it_promises()
    {
        var path = Path.Combine(Repository.Root, "examples", "hippo.yaml");

        var result = Assert.Single(ClusterManifest.Check(File.ReadAllText(path), path, OnlyPostgres15));

        Assert.Empty(result.Problems);
        var spec = result.Cluster.Spec;
        Assert.Equal(ApiVersions.Tusk, result.Cluster.ApiVersion);
        Assert.Equal("hippo", result.Cluster.Metadata.Name);
        Assert.Equal(15, spec.PostgresVersion);
        Assert.Equal(5432, spec.Port);
        var set = Assert.Single(spec.Instances!);
        Assert.Equal(("instance1", 3), (set.Name, set.Replicas));
        Assert.Equal(30, spec.Patroni!.LeaderLeaseDurationSeconds);
        Assert.Equal(10, spec.Patroni.SyncPeriodSeconds);
        var user = Assert.Single(spec.Users!);
        Assert.Equal("hippo", user.Name);
        Assert.Equal(["hippo"], user.Databases);
        Assert.Equal("CREATEDB", user.Options);
    }

    [Fact]
    public void The_smallest_manifest_is_a_name_and_everything_else_is_defaulted()
    {
        var result = CheckOne(Header, OnlyPostgres15);

        Assert.Empty(result.Problems);
    }

    [Fact]
    public void An_empty_spec_is_the_same_as_no_spec()
    {
        var result = CheckOne(Header + "spec:\n", OnlyPostgres15);

        Assert.Empty(result.Problems);
        Assert.Equal(ClusterDefaults.Port, result.Cluster.Spec.Port);
    }

    [Fact]
    public void A_JSON_manifest_is_read_like_YAML()
    {
        const string json = """{"apiVersion": "tusk.dev/v1", "kind": "PostgresCluster", "metadata": {"name": "hippo"}, "spec": {"port": 5440}}""";

        var result = CheckOne(json, OnlyPostgres15);

        Assert.Empty(result.Problems);
        Assert.Equal(5440, result.Cluster.Spec.Port);
    }

    [Fact]
    public void Status_saved_with_a_manifest_is_ignored()
    {
        var result = CheckOne(Header + "status:\n  phase: Ready\n  primary: hippo-instance1-0\n", OnlyPostgres15);

        Assert.Empty(result.Problems);
        Assert.Null(result.Cluster.Status);
    }

    [Fact]
    public void A_multi_document_file_with_two_clusters_gives_two_results_each_with_its_own_lines()
    {
        const string yaml = """
            apiVersion: tusk.dev/v1
            kind: PostgresCluster
            metadata:
              name: hippo
            ---
            apiVersion: tusk.dev/v1
            kind: PostgresCluster
            metadata:
              name: zebra
            spec:
              port: 80
            """;

        var results = ClusterManifest.Check(yaml, FileName, OnlyPostgres15);

        Assert.Equal(2, results.Count);
        Assert.Equal("hippo", results[0].Cluster.Metadata.Name);
        Assert.Empty(results[0].Problems);
        Assert.Equal("zebra", results[1].Cluster.Metadata.Name);
        var problem = Assert.Single(results[1].Problems);
        Assert.StartsWith("hippo.yaml:11:9: spec.port: 80 is outside", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_host_facts_no_machine_is_assumed()
    {
        // Version 16 is valid in general; only a described machine can say it is missing.
        var result = CheckOne(Header + "spec:\n  postgresVersion: 16\n  port: 6000\n");

        Assert.Empty(result.Problems);
    }

    [Fact]
    public void Synchronous_mode_with_one_instance_is_a_warning_not_an_error()
    {
        var result = CheckOne(Header + "spec:\n  patroni:\n    synchronousMode: true\n", OnlyPostgres15);

        Assert.True(result.IsValid);
        Assert.Equal(
            ["hippo.yaml:7:22: warning: spec.patroni.synchronousMode: with a single instance there is no standby to confirm commits; add replicas to protect them"],
            Render(result.Problems));
    }

    [Fact]
    public void Problems_have_the_severity_they_print()
    {
        var result = CheckOne(Header + "spec:\n  port: 80\n  image: postgres:15\n", OnlyPostgres15);

        Assert.Equal(Severity.Error, Assert.Single(result.Errors).Severity);
        Assert.Equal(Severity.Warning, Assert.Single(result.Warnings).Severity);
        Assert.False(result.IsValid);
    }

    [Fact]
    public void On_Kubernetes_the_pooler_may_take_the_clusters_port_because_each_endpoint_is_a_Service_of_its_own()
    {
        const string yaml = """
            apiVersion: tusk.dev/v1
            kind: PostgresCluster
            metadata:
              name: hippo
            spec:
              port: 5432
              proxy:
                pgBouncer:
                  port: 5432
            """;

        Assert.Empty(ClusterManifest.Check(yaml, "hippo.yaml", localRuntime: false)[0].Errors);
        Assert.Contains(ClusterManifest.Check(yaml, "hippo.yaml", OnlyPostgres15)[0].Errors, p => p.Path == "spec.proxy.pgBouncer.port");
    }
}
