namespace Tusk.Environments;

/// <summary>What a migration run did: the version found, the version left, and the steps applied in between.</summary>
public sealed record MigrationResult(int From, int To, IReadOnlyList<Migration> Applied)
{
    public string Describe() => Applied.Count == 0
        ? $"the inventory schema is up to date (version {To})"
        : From == 0
            ? $"created the inventory schema (version {To})"
            : $"migrated the inventory schema from version {From} to {To} ({string.Join("; ", Applied.Select(m => m.Name))})";
}
