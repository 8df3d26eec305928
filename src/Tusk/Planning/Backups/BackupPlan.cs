namespace Tusk.Planning.Backups;

/// <summary>
/// pgBackRest for one cluster, shared by both runtimes: its repositories with their schedules,
/// the user's global options (with Tusk's defaults filled in), and what `tusk backup` takes
/// when given no flags.
/// </summary>
public sealed record BackupPlan(
    IReadOnlyList<RepoPlan> Repos,
    IReadOnlyDictionary<string, string> Global,
    string ManualRepo,
    string ManualType)
{
    /// <summary>One stanza per cluster, named as PGO names it.</summary>
    public const string Stanza = "db";

    public RepoPlan? Repo(string name) => Repos.FirstOrDefault(r => r.Name == name);
}
