using Tusk.Api.Validation;

namespace Tusk.Api.Reading;

/// <summary>One document of a manifest file: the cluster as written (not yet defaulted), where each field was, and what was wrong.</summary>
public sealed record ParsedManifest(
    PostgresCluster Cluster,
    SourceMap Map,
    IReadOnlyList<Problem> Problems,
    IReadOnlyList<(string Path, string Reason)> KubernetesOnlyFields)
{
    public bool HasErrors => Problems.Any(p => p.Severity == Severity.Error);
}
