using System.Runtime.Versioning;
using Tusk.Api.Reading;
using static Tusk.Tests.Api.Manifests;

namespace Tusk.Tests.Api.Reading;

[SupportedOSPlatform("linux")]
public class ManifestReaderTests
{
    private const string Yaml = """
        apiVersion: tusk.dev/v1
        kind: PostgresCluster
        metadata:
          name: hippo
        spec:
          instances:
            - name: east
              replicas: 2
            - name: west
              replicas: 3
          patroni:
            leaderLeaseDurationSeconds: 20
          users:
            - name: hippo
              databases: [hippo, zoo]
        """;

    private static ParsedManifest ReadOne(string yaml) => Assert.Single(ManifestReader.Read(yaml, FileName));

    [Theory]
    [InlineData("spec.instances[0].name", 7, 13)]
    [InlineData("spec.instances[0].replicas", 8, 17)]
    [InlineData("spec.instances[1].name", 9, 13)]
    [InlineData("spec.instances[1].replicas", 10, 17)]
    [InlineData("spec.users[0].databases[1]", 15, 26)]
    public void A_field_nested_in_a_list_reports_its_own_line_and_column(string path, int line, int column)
    {
        var map = ReadOne(Yaml).Map;

        Assert.Equal(new SourceLocation(FileName, line, column), map.Find(path));
    }

    [Theory]
    [InlineData("spec.instances[0]", 7, 7)]
    [InlineData("spec.instances", 6, 3)]
    [InlineData("spec.patroni", 11, 3)]
    [InlineData("spec", 5, 1)]
    public void A_block_mapping_or_list_is_located_at_its_key_and_a_list_item_at_its_first_field(string path, int line, int column)
    {
        Assert.Equal(new SourceLocation(FileName, line, column), ReadOne(Yaml).Map.Find(path));
    }

    [Theory]
    [InlineData("spec.patroni.syncPeriodSeconds", 11, 3)]
    [InlineData("spec.users[0].password.type", 14, 7)]
    [InlineData("spec.port", 5, 1)]
    [InlineData("metadata.namespace", 3, 1)]
    public void A_defaulted_field_reports_its_nearest_written_ancestor(string path, int line, int column)
    {
        Assert.Equal(new SourceLocation(FileName, line, column), ReadOne(Yaml).Map.Find(path));
    }

    [Fact]
    public void A_field_that_was_never_written_in_a_document_without_it_still_has_the_documents_start()
    {
        var parsed = ReadOne("kind: PostgresCluster\napiVersion: tusk.dev/v1\n");

        Assert.Equal(new SourceLocation(FileName, 1, 1), parsed.Map.Find("metadata.name"));
    }

    [Fact]
    public void The_cluster_is_read_as_written_without_defaults()
    {
        var parsed = ReadOne(Yaml);

        Assert.Empty(parsed.Problems);
        Assert.True(parsed.IsReadable);
        Assert.Null(parsed.Cluster.Spec.Port);
        Assert.Null(parsed.Cluster.Spec.Patroni!.SyncPeriodSeconds);
        Assert.Equal(["east", "west"], parsed.Cluster.Spec.Instances!.Select(i => i.Name!));
    }

    [Fact]
    public void Every_document_of_a_stream_is_read_and_empty_documents_are_skipped()
    {
        var parsed = ManifestReader.Read(Header + "---\n# nothing\n---\n" + Header.Replace("hippo", "zebra", StringComparison.Ordinal), FileName);

        Assert.Equal(["hippo", "zebra"], parsed.Select(p => p.Cluster.Metadata.Name!));
        Assert.Equal(new SourceLocation(FileName, 11, 9), parsed[1].Map.Find("metadata.name"));
    }

    [Fact]
    public void Kubernetes_only_fields_are_recorded_with_their_reason()
    {
        var parsed = ReadOne(Header + "spec:\n  image: postgres:15\n  instances:\n    - affinity: {}\n");

        Assert.Equal(
            [
                ("spec.image", "the local runtime runs the PostgreSQL binaries installed on this machine"),
                ("spec.instances[0].affinity", "all local instances run on this machine"),
            ],
            parsed.KubernetesOnlyFields);
    }

    [Fact]
    public void Free_form_Kubernetes_fields_keep_their_structure_and_types()
    {
        var parsed = ReadOne(Header + "spec:\n  instances:\n    - dataVolumeClaimSpec:\n        accessModes: [ReadWriteOnce]\n        resources: {requests: {storage: 1Gi}}\n      minAvailable: 1\n");

        var claim = parsed.Cluster.Spec.Instances![0].DataVolumeClaimSpec!;
        Assert.Equal("""{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}""", claim.ToJsonString());
        Assert.Equal(1, parsed.Cluster.Spec.Instances[0].MinAvailable);
    }

    [Fact]
    public void Parameters_keep_their_text_as_PostgreSQL_will_parse_it()
    {
        var parsed = ReadOne(Header + "spec:\n  patroni:\n    dynamicConfiguration:\n      postgresql:\n        parameters:\n          max_connections: 200\n          log_connections: on\n          pg_stat_statements.track: all\n");

        var parameters = parsed.Cluster.Spec.Patroni!.DynamicConfiguration!.Postgresql!.Parameters!;
        Assert.Equal("200", parameters["max_connections"]);
        Assert.Equal("on", parameters["log_connections"]);
        Assert.Equal("all", parameters["pg_stat_statements.track"]);
        Assert.Equal(new SourceLocation(FileName, 12, 37), parsed.Map.Find("spec.patroni.dynamicConfiguration.postgresql.parameters.pg_stat_statements.track"));
    }

    [Fact]
    public void A_parameter_whose_value_is_a_list_is_refused()
    {
        var parsed = ReadOne(Header + "spec:\n  patroni:\n    dynamicConfiguration:\n      postgresql:\n        parameters:\n          shared_preload_libraries: [pgaudit]\n");

        Assert.Equal(
            ["hippo.yaml:10:37: spec.patroni.dynamicConfiguration.postgresql.parameters.shared_preload_libraries: expected a single value (string, number or boolean), got a list"],
            Render(parsed.Problems));
    }

    [Fact]
    public void A_key_that_is_not_a_name_is_refused_where_it_is_written()
    {
        var parsed = ReadOne(Header + "spec:\n  ? [port]\n  : 5432\n");

        Assert.Equal(["hippo.yaml:6:5: spec: a key must be a name, got a list; write \"name: value\""], Render(parsed.Problems));
    }

    [Fact]
    public void An_unreadable_document_says_so_and_carries_no_field_problems()
    {
        var parsed = ReadOne("apiVersion: v1\nkind: ConfigMap\ndata:\n  key: value\n");

        Assert.False(parsed.IsReadable);
        Assert.Equal(
            [
                "hippo.yaml:1:13: apiVersion: expected \"tusk.dev/v1\" (or Crunchy PGO's \"postgres-operator.crunchydata.com/v1beta1\"), got \"v1\"",
                "hippo.yaml:2:7: kind: expected \"PostgresCluster\", got \"ConfigMap\"; Tusk runs PostgresCluster resources only",
            ],
            Render(parsed.Problems));
    }
}
