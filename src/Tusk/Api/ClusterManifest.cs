using Tusk.Api.Reading;
using Tusk.Api.Validation;

namespace Tusk.Api;

/// <summary>
/// The whole front door: read, default, validate. Returns every cluster in the text with all
/// its problems located at file:line:column; nothing is applied unless none is an error.
/// </summary>
public static class ClusterManifest
{
    public static IReadOnlyList<CheckedCluster> Check(string text, string file, HostFacts? host = null, bool localRuntime = true)
    {
        var result = new List<CheckedCluster>();
        foreach (var parsed in ManifestReader.Read(text, file))
        {
            var cluster = ClusterDefaults.Apply(parsed.Cluster);
            var problems = new List<Problem>(parsed.Problems);
            if (!parsed.IsReadable)
            {
                // Not YAML, empty, or not a PostgresCluster: checking defaults against it would only add noise.
                result.Add(new CheckedCluster(cluster, problems));
                continue;
            }

            // A field that could not be read was defaulted; what validation says about it would repeat the first error, wrongly.
            var unreadable = parsed.Problems.Where(p => p.Severity == Severity.Error).Select(p => p.Path).ToHashSet(StringComparer.Ordinal);
            problems.AddRange(ClusterValidator.Validate(cluster, host)
                .Where(p => !IsAtOrUnder(p.Path, unreadable))
                .Select(parsed.Map.Locate));
            if (localRuntime)
            {
                problems.AddRange(parsed.KubernetesOnlyFields.Select(f =>
                    parsed.Map.Locate(Problem.Warning(f.Path, $"used on Kubernetes only; the local runtime ignores it because {f.Reason}"))));
            }

            result.Add(new CheckedCluster(cluster, problems));
        }

        return result;
    }

    private static bool IsAtOrUnder(string path, HashSet<string> paths) =>
        paths.Any(p => p.Length > 0 && (path == p || path.StartsWith(p + ".", StringComparison.Ordinal) || path.StartsWith(p + "[", StringComparison.Ordinal)));
}
