using Tusk.Api.Validation;

namespace Tusk.Api.Reading;

/// <summary>One document of a manifest file: the cluster as written (not yet defaulted), where each field was, and what was wrong.</summary>
/// <param name="IsReadable">
/// false when the document could not be read as a PostgresCluster at all (not YAML, empty, not a
/// mapping, another kind): then there is nothing to default or validate, and <see cref="Problems"/> says why.
/// </param>
public sealed record ParsedManifest(
    PostgresCluster Cluster,
    SourceMap Map,
    IReadOnlyList<Problem> Problems,
    IReadOnlyList<(string Path, string Reason)> KubernetesOnlyFields,
    bool IsReadable = true)
{
    public bool HasErrors => Problems.Any(p => p.Severity == Severity.Error);
}
