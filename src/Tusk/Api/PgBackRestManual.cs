namespace Tusk.Api;

/// <summary>What `tusk backup` does when given no flags: which repository, and pgBackRest options such as --type=full.</summary>
public sealed class PgBackRestManual
{
    public string? RepoName { get; set; }
    public List<string>? Options { get; set; }
}
