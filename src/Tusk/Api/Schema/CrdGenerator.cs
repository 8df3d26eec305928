using System.Text.Json.Nodes;

namespace Tusk.Api.Schema;

/// <summary>
/// The CustomResourceDefinition postgresclusters.tusk.dev, generated from the resource types.
/// deploy/crd/postgresclusters.tusk.dev.yaml is this output, committed; regenerate it with
/// <c>tusk crd &gt; deploy/crd/postgresclusters.tusk.dev.yaml</c> after changing the types
/// (a test fails while the two differ).
/// </summary>
public static class CrdGenerator
{
    public const string Group = "tusk.dev";
    public const string Plural = "postgresclusters";
    public const string Name = Plural + "." + Group;

    public static JsonObject Generate()
    {
        var spec = OpenApiSchemaBuilder.For(typeof(ClusterSpec));
        var status = OpenApiSchemaBuilder.For(typeof(ClusterStatus));
        var schema = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "A PostgreSQL cluster run by Tusk: instances managed by Patroni, users with generated passwords, TLS everywhere.",
            ["properties"] = new JsonObject
            {
                ["apiVersion"] = new JsonObject { ["type"] = "string" },
                ["kind"] = new JsonObject { ["type"] = "string" },
                ["metadata"] = new JsonObject { ["type"] = "object" },
                ["spec"] = spec,
                ["status"] = status,
            },
        };

        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject
            {
                ["name"] = Name,
                ["labels"] = new JsonObject { ["app.kubernetes.io/name"] = "tusk", ["app.kubernetes.io/component"] = "crd" },
            },
            ["spec"] = new JsonObject
            {
                ["group"] = Group,
                ["scope"] = "Namespaced",
                ["names"] = new JsonObject
                {
                    ["kind"] = ApiVersions.Kind,
                    ["listKind"] = ApiVersions.Kind + "List",
                    ["plural"] = Plural,
                    ["singular"] = "postgrescluster",
                    ["shortNames"] = new JsonArray("pgc"),
                    ["categories"] = new JsonArray("all", "tusk"),
                },
                ["versions"] = new JsonArray(new JsonObject
                {
                    ["name"] = "v1",
                    ["served"] = true,
                    ["storage"] = true,
                    ["subresources"] = new JsonObject { ["status"] = new JsonObject() },
                    ["additionalPrinterColumns"] = new JsonArray(
                        Column("Phase", "string", ".status.phase"),
                        Column("Primary", "string", ".status.primary"),
                        Column("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status"),
                        Column("Age", "date", ".metadata.creationTimestamp")),
                    ["schema"] = new JsonObject { ["openAPIV3Schema"] = schema },
                }),
            },
        };
    }

    /// <summary>The CRD as the YAML committed under deploy/.</summary>
    public static string GenerateYaml() =>
        "# Generated from the C# types in src/Tusk/Api by `tusk crd`; do not edit by hand.\n" + YamlWriter.Write(Generate());

    private static JsonObject Column(string name, string type, string path) =>
        new() { ["name"] = name, ["type"] = type, ["jsonPath"] = path };
}
