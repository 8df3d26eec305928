using YamlDotNet.RepresentationModel;

namespace Tusk.Images.Discovery;

/// <summary>
/// The images a PostgresCluster's pods run, resolved the way Crunchy PGO v5 resolves them: the
/// image written in the spec, else the operator's RELATED_IMAGE_* variable for that component.
/// PGO's pods set runAsNonRoot, so every one of these images must run as a numeric non-root user.
/// </summary>
internal static class PostgresClusterImages
{
    /// <summary>A component: where its image may be written, its RELATED_IMAGE_* variable, and whether the spec asks for it.</summary>
    private sealed record Component(string Label, string[] Section, string Variable);

    public static void Scan(YamlNode root, string owner, string file, int lineOffset, List<ImageUse> uses, List<ImageProblem> problems, IReadOnlyDictionary<string, string> environment)
    {
        var spec = root.Get("spec");
        var version = spec.Get("postgresVersion").Text();
        var postgis = spec.Get("postGISVersion").Text();
        var database = "RELATED_IMAGE_POSTGRES_" + (version ?? "<postgresVersion>") + (postgis is null ? "" : "_GIS_" + postgis);
        var pullPolicy = spec.Get("imagePullPolicy").Text();
        var libraries = spec.At("patroni", "dynamicConfiguration", "postgresql", "parameters", "shared_preload_libraries").Text()?
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.Length > 0).ToList();

        Component[] components =
        [
            new("database", [], database),
            new("pgbackrest", ["backups", "pgbackrest"], "RELATED_IMAGE_PGBACKREST"),
            new("pgbouncer", ["proxy", "pgBouncer"], "RELATED_IMAGE_PGBOUNCER"),
            new("exporter", ["monitoring", "pgmonitor", "exporter"], "RELATED_IMAGE_PGEXPORTER"),
        ];
        foreach (var component in components)
        {
            var section = component.Section.Length == 0 ? spec : spec.At(component.Section);
            if (section is null)
            {
                continue; // not asked for (no backups, no pgBouncer, no monitoring)
            }

            // A problem points at the section's key ("spec:", "pgbackrest:"), not at its first field.
            var parent = component.Section.Length == 0 ? root : spec.At(component.Section[..^1]);
            var sectionLine = (parent as YamlMappingNode)?.Children.Keys.FirstOrDefault(k => k.Text() == (component.Section.Length == 0 ? "spec" : component.Section[^1])).Line() ?? section.Line();

            var imageNode = section.Get("image");
            var field = "spec." + string.Join('.', [.. component.Section, "image"]);
            var written = imageNode.Text();
            string source;
            if (written is not null)
            {
                source = field;
            }
            else if (environment.TryGetValue(component.Variable, out var related) && related.Length > 0)
            {
                written = related;
                source = component.Variable;
            }
            else
            {
                problems.Add(new ImageProblem(file, lineOffset + sectionLine, $"{owner} {component.Label}: {field} is not set and the operator's {component.Variable} is not in the environment; set one of them"));
                continue;
            }

            if (!ImageReference.TryParse(written, out var reference, out var error))
            {
                problems.Add(new ImageProblem(file, lineOffset + (imageNode ?? section).Line(), $"{owner} {component.Label}: \"{written}\" ({source}) is not a valid image reference: {error}"));
                continue;
            }

            uses.Add(new ImageUse
            {
                Image = reference.ToString(),
                Written = written,
                File = file,
                Line = lineOffset + (imageNode ?? section).Line(),
                Owner = owner,
                Container = $"{component.Label} (from {source})",
                PullPolicy = pullPolicy ?? ImageUse.DefaultPullPolicy(reference),
                RunAsNonRoot = true,
                PreloadLibraries = component.Label == "database" ? libraries : null,
                RelatedImage = component.Variable,
            });
        }
    }
}
