using System.Runtime.Versioning;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tusk.Api;
using Tusk.Cli.Output;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;
using static Tusk.Tests.Cli.CliClusters;

namespace Tusk.Tests.Cli;

[SupportedOSPlatform("linux")]
public class OutputFormatTests
{
    private static readonly DateTimeOffset Created = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static string Write<T>(string format, T value)
    {
        using var output = new StringWriter { NewLine = "\n" };
        Assert.True(OutputFormat.TryWriteStructured(output, format, value));
        return output.ToString();
    }

    /// <summary>A cluster as `tusk describe` prints it: defaulted spec plus the status the agent wrote.</summary>
    private static PostgresCluster Observed()
    {
        var cluster = Cluster();
        cluster.Status = new ClusterStatus
        {
            Phase = ClusterPhases.Ready,
            ObservedGeneration = 2,
            Conditions = [new Condition("Ready", "True", "AllInstancesStreaming", "hippo-instance1-0 is the primary and 1 of 1 replicas stream from it", Created)],
            Instances = [new InstanceStatus { Name = "hippo-instance1-0", InstanceSet = "instance1", Role = "leader", State = "running", Timeline = 1, Port = 15000, Pid = 42 }],
            Primary = "hippo-instance1-0",
            Endpoints = new Endpoints("127.0.0.1:5440", "127.0.0.1:5441"),
            CreatedAt = Created,
            UpdatedAt = Created,
        };
        return cluster;
    }

    [Fact]
    public void Table_is_not_a_structured_format_and_writes_nothing()
    {
        using var output = new StringWriter();

        Assert.False(OutputFormat.TryWriteStructured(output, "table", Cluster()));
        Assert.Equal("", output.ToString());
    }

    [Fact]
    public void JSON_uses_the_manifests_field_names()
    {
        var json = JsonDocument.Parse(Write("json", Observed())).RootElement;
        var spec = json.GetProperty("spec");

        Assert.Equal(15, spec.GetProperty("postgresVersion").GetInt32());
        Assert.Equal("hostssl app app 10.0.0.0/8 scram-sha-256", spec.GetProperty("patroni").GetProperty("dynamicConfiguration").GetProperty("postgresql").GetProperty("pg_hba")[0].GetString());
        Assert.True(spec.GetProperty("patroni").GetProperty("synchronousMode").GetBoolean());
        Assert.Equal("Ready", json.GetProperty("status").GetProperty("phase").GetString());
        Assert.Equal("127.0.0.1:5440", json.GetProperty("status").GetProperty("endpoints").GetProperty("primary").GetString());
        Assert.False(json.TryGetProperty("key", out _));
    }

    [Fact]
    public void JSON_reads_back_into_the_same_cluster()
    {
        var back = Tusk.Json.Deserialize<PostgresCluster>(Write("json", Observed()))!;

        Assert.Equal(["hostssl app app 10.0.0.0/8 scram-sha-256"], back.Spec.Patroni!.DynamicConfiguration!.Postgresql!.PgHba);
        Assert.Equal(15, back.Spec.PostgresVersion);
        Assert.Equal(ClusterPhases.Ready, back.Status!.Phase);
        Assert.Equal(Created, back.Status.CreatedAt);
    }

    [Fact]
    public void YAML_uses_the_manifests_field_names()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(Write("yaml", Observed())));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var spec = (YamlMappingNode)root["spec"];
        var postgresql = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)spec["patroni"])["dynamicConfiguration"])["postgresql"];

        Assert.Equal("15", ((YamlScalarNode)spec["postgresVersion"]).Value);
        Assert.Equal("hostssl app app 10.0.0.0/8 scram-sha-256", ((YamlScalarNode)((YamlSequenceNode)postgresql["pg_hba"])[0]).Value);
        Assert.Equal("200", ((YamlScalarNode)((YamlMappingNode)postgresql["parameters"])["max_connections"]).Value);
        Assert.Equal("Ready", ((YamlScalarNode)((YamlMappingNode)root["status"])["phase"]).Value);
    }

    [Fact]
    public void YAML_output_applies_again_without_errors_and_describes_the_same_cluster()
    {
        var original = Observed();
        var yaml = Write("yaml", original);

        var result = Assert.Single(ClusterManifest.Check(yaml, "describe.yaml"));

        Assert.Empty(result.Errors.Select(e => e.ToString()));
        var back = result.Cluster;
        Assert.Equal((original.Metadata.Name, original.Metadata.Namespace), (back.Metadata.Name, back.Metadata.Namespace));
        Assert.Equal(original.Spec.Port, back.Spec.Port);
        Assert.Equal(original.Spec.Instances![0].Replicas, back.Spec.Instances![0].Replicas);
        Assert.Equal(original.Spec.Patroni!.SynchronousMode, back.Spec.Patroni!.SynchronousMode);
        Assert.Equal(original.Spec.Patroni.DynamicConfiguration!.Postgresql!.Parameters, back.Spec.Patroni.DynamicConfiguration!.Postgresql!.Parameters);
        Assert.Equal(original.Spec.Patroni.DynamicConfiguration.Postgresql.PgHba, back.Spec.Patroni.DynamicConfiguration.Postgresql.PgHba);
        Assert.Equal(original.Spec.Users!.Select(u => (u.Name, u.Options, string.Join(',', u.Databases!), u.Password!.Type)), back.Spec.Users!.Select(u => (u.Name, u.Options, string.Join(',', u.Databases!), u.Password!.Type)));
    }

    [Fact]
    public void YAML_output_of_a_minimal_cluster_applies_again_without_errors()
    {
        var cluster = Cluster("apiVersion: tusk.dev/v1\nkind: PostgresCluster\nmetadata:\n  name: zebra\n");

        var result = Assert.Single(ClusterManifest.Check(Write("yaml", cluster), "describe.yaml"));

        Assert.Empty(result.Errors.Select(e => e.ToString()));
        Assert.Equal("zebra", Assert.Single(result.Cluster.Spec.Users!).Name);
    }

    [Fact]
    public void JSON_and_YAML_of_a_list_keep_every_cluster()
    {
        var clusters = new List<PostgresCluster> { Cluster(), Cluster("apiVersion: tusk.dev/v1\nkind: PostgresCluster\nmetadata:\n  name: zebra\n") };

        Assert.Equal(2, JsonDocument.Parse(Write("json", clusters)).RootElement.GetArrayLength());
        var stream = new YamlStream();
        stream.Load(new StringReader(Write("yaml", clusters)));
        Assert.Equal(2, ((YamlSequenceNode)stream.Documents[0].RootNode).Children.Count);
    }

    /// <summary>What `-o yaml` printed before native AOT: YamlDotNet's reflection-based serializer over plain dictionaries, lists and scalars.</summary>
    private static string SerializerYaml(JsonNode? node)
    {
        static object? Plain(JsonNode? node) => node switch
        {
            JsonObject o => o.ToDictionary(p => p.Key, p => Plain(p.Value)),
            JsonArray a => a.Select(Plain).ToList(),
            JsonValue v when v.TryGetValue<bool>(out var b) => b,
            JsonValue v when v.TryGetValue<long>(out var l) => l,
            JsonValue v when v.TryGetValue<double>(out var d) => d,
            JsonValue v => v.ToString(),
            _ => null,
        };

        return new SerializerBuilder().Build().Serialize(Plain(node));
    }

    [Fact]
    public void YAML_is_byte_for_byte_what_YamlDotNets_serializer_wrote_for_a_described_cluster()
    {
        var node = JsonSerializer.SerializeToNode(Observed(), Tusk.Json.Types.PostgresCluster);

        Assert.Equal(SerializerYaml(node), Write("yaml", Observed()));
    }

    [Fact]
    public void YAML_is_byte_for_byte_what_YamlDotNets_serializer_wrote_for_awkward_values()
    {
        var node = new JsonObject
        {
            ["empty"] = "",
            ["space"] = " leading and trailing ",
            ["looksLikeNumber"] = "5432",
            ["looksLikeBool"] = "true",
            ["off"] = "off",
            ["null"] = null,
            ["tilde"] = "~",
            ["quote"] = "it's \"quoted\"",
            ["colon"] = "host: port",
            ["hash"] = "a # not a comment",
            ["dash"] = "- item",
            ["multiline"] = "line one\nline two\n",
            ["tab"] = "a\tb",
            ["unicode"] = "größe ✓ 象",
            ["control"] = "bell\u0007",
            ["long"] = new string('x', 200) + " " + new string('y', 200),
            ["integer"] = 9_007_199_254_740_993,
            ["negative"] = -3,
            ["double"] = 0.1,
            ["big"] = 1e300,
            ["bool"] = false,
            ["emptyObject"] = new JsonObject(),
            ["emptyList"] = new JsonArray(),
            ["nested"] = new JsonArray(new JsonObject { ["a"] = new JsonArray(1, "two", null, true) }, new JsonArray("x", new JsonArray())),
            ["key with spaces: and colon"] = "value",
        };

        Assert.Equal(SerializerYaml(node), Tusk.Cli.Output.YamlOutput.Write(node));
        Assert.Equal(SerializerYaml(new JsonArray("a", 1)), Tusk.Cli.Output.YamlOutput.Write(new JsonArray("a", 1)));
        Assert.Equal(SerializerYaml(null), Tusk.Cli.Output.YamlOutput.Write(null));
    }
}
