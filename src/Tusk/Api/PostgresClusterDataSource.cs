using System.ComponentModel.DataAnnotations;

namespace Tusk.Api;

/// <summary>
/// A clone: restore another cluster's backup (and WAL, up to a target when options name one)
/// into this new cluster, which then runs with its own ports, certificates, credentials and repository.
/// </summary>
public sealed class PostgresClusterDataSource
{
    [Required]
    public string? ClusterName { get; set; }

    /// <summary>Default: this cluster's namespace.</summary>
    public string? ClusterNamespace { get; set; }

    [AllowedValues("repo1", "repo2", "repo3", "repo4")]
    public string? RepoName { get; set; }

    /// <summary>pgBackRest restore options: --type=time|lsn|immediate|default, --target=..., --set=LABEL, --target-exclusive, --target-timeline=...</summary>
    public List<string>? Options { get; set; }
}
