using Tusk.Api.Validation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Tusk.Api.Reading;

/// <summary>
/// Reads PostgresCluster manifests (YAML or JSON, one or several documents) into typed
/// resources, collecting every problem with its file:line:column.
/// </summary>
public static class ManifestReader
{
    public static IReadOnlyList<ParsedManifest> Read(string text, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            var location = new SourceLocation(file, (int)e.Start.Line, (int)e.Start.Column);
            var reason = e.InnerException?.Message ?? e.Message;
            var problem = new Problem("", $"this is not valid YAML: {reason}", Severity.Error, location);
            return [new ParsedManifest(new PostgresCluster(), new SourceMap(file), [problem], [])];
        }

        var documents = stream.Documents.Where(d => !IsEmpty(d.RootNode)).ToList();
        if (documents.Count == 0)
        {
            var problem = new Problem("", "the file holds no manifest; write a PostgresCluster (see examples/hippo.yaml)", Severity.Error, new SourceLocation(file, 1, 1));
            return [new ParsedManifest(new PostgresCluster(), new SourceMap(file), [problem], [])];
        }

        return documents.Select(d => ReadDocument(d.RootNode, file)).ToList();
    }

    private static ParsedManifest ReadDocument(YamlNode root, string file)
    {
        var map = new SourceMap(file);
        var binder = new ManifestBinder(map);
        if (root is YamlMappingNode mapping)
        {
            // Status is the runtime's to write: a manifest saved from `tusk get -o yaml` may carry it, and it is ignored.
            mapping.Children.Remove(new YamlScalarNode("status"));
        }

        var cluster = binder.Bind<PostgresCluster>(root, "");
        var problems = binder.Problems;
        if (!ApiVersions.IsSupported(cluster.ApiVersion))
        {
            var got = cluster.ApiVersion is null ? "nothing" : $"\"{cluster.ApiVersion}\"";
            problems.Insert(0, new Problem("apiVersion", $"expected \"{ApiVersions.Tusk}\" (or Crunchy PGO's \"{ApiVersions.Crunchy}\"), got {got}"));
        }

        if (cluster.Kind != ApiVersions.Kind)
        {
            var got = cluster.Kind is null ? "nothing" : $"\"{cluster.Kind}\"";
            problems.Insert(0, new Problem("kind", $"expected \"{ApiVersions.Kind}\", got {got}"));
        }

        return new ParsedManifest(cluster, map, problems.Select(map.Locate).ToList(), binder.KubernetesOnlyFields);
    }

    private static bool IsEmpty(YamlNode node) => node is YamlScalarNode { Value: null or "" };
}
