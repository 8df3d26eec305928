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
    private const string DuplicateKey = "Duplicate key ";

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
            var reason = (e.InnerException?.Message ?? e.Message).TrimEnd('.');
            var message = reason.StartsWith(DuplicateKey, StringComparison.Ordinal)
                ? $"this is not valid YAML: \"{reason[DuplicateKey.Length..]}\" is written twice in the same mapping; keep one"
                : $"this is not valid YAML: {reason}; check the indentation and quoting on this line and the one before";
            var problem = new Problem("", message, Severity.Error, location);
            return [new ParsedManifest(new PostgresCluster(), new SourceMap(file), [problem], [], IsReadable: false)];
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet 16 fails this way, without a position, on some unclosed flow collections ("port: [5432" then more keys).
            var last = LastReadableEvent(text);
            var location = new SourceLocation(file, (int)last.Line, (int)last.Column);
            var problem = new Problem("", "this is not valid YAML: it cannot be read past this point; check for an unclosed '[', '{' or quote here", Severity.Error, location);
            return [new ParsedManifest(new PostgresCluster(), new SourceMap(file), [problem], [], IsReadable: false)];
        }

        var documents = stream.Documents.Where(d => !IsEmpty(d.RootNode)).ToList();
        if (documents.Count == 0)
        {
            var problem = new Problem("", "the file holds no manifest; write a PostgresCluster (see examples/hippo.yaml)", Severity.Error, new SourceLocation(file, 1, 1));
            return [new ParsedManifest(new PostgresCluster(), new SourceMap(file), [problem], [], IsReadable: false)];
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

        if (root is not YamlMappingNode)
        {
            map.Add("", (int)root.Start.Line, (int)root.Start.Column);
            var problem = new Problem("", $"expected a PostgresCluster manifest (a mapping with apiVersion, kind, metadata and spec), got {ManifestBinder.Describe(root)}");
            return new ParsedManifest(new PostgresCluster(), map, [map.Locate(problem)], [], IsReadable: false);
        }

        var cluster = binder.Bind<PostgresCluster>(root, "");
        var header = new List<Problem>();
        if (!ApiVersions.IsSupported(cluster.ApiVersion))
        {
            var got = cluster.ApiVersion is null ? "nothing" : $"\"{cluster.ApiVersion}\"";
            header.Add(new Problem("apiVersion", $"expected \"{ApiVersions.Tusk}\" (or Crunchy PGO's \"{ApiVersions.Crunchy}\"), got {got}"));
        }

        // Another kind (a Deployment, a CloudNativePG Cluster) is not checked field by field: every field would be "unknown".
        var otherKind = cluster.Kind is not null && cluster.Kind != ApiVersions.Kind;
        if (cluster.Kind != ApiVersions.Kind)
        {
            var got = cluster.Kind is null ? "nothing" : $"\"{cluster.Kind}\"";
            header.Add(new Problem("kind", $"expected \"{ApiVersions.Kind}\", got {got}; Tusk runs PostgresCluster resources only"));
        }

        var problems = otherKind ? header : [.. header, .. binder.Problems];
        return new ParsedManifest(cluster, map, problems.Select(map.Locate).ToList(), binder.KubernetesOnlyFields, IsReadable: !otherKind);
    }

    private static Mark LastReadableEvent(string text)
    {
        var parser = new Parser(new StringReader(text));
        var last = new Mark(0, 1, 1);
        try
        {
            while (parser.MoveNext())
            {
                last = parser.Current!.Start;
            }
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            // The failure this is looking for: what parsed before it is the place to report.
        }

        return last;
    }

    private static bool IsEmpty(YamlNode node) => node is YamlScalarNode { Value: null or "" };
}
