using Tusk.Api.Validation;

namespace Tusk.Api;

/// <summary>A defaulted cluster and everything validation said about it.</summary>
public sealed record CheckedCluster(PostgresCluster Cluster, IReadOnlyList<Problem> Problems)
{
    public bool IsValid => Problems.All(p => p.Severity != Severity.Error);
    public IEnumerable<Problem> Errors => Problems.Where(p => p.Severity == Severity.Error);
    public IEnumerable<Problem> Warnings => Problems.Where(p => p.Severity == Severity.Warning);
}
