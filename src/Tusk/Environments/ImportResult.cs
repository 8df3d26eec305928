namespace Tusk.Environments;

/// <summary>What became of one CSV line.</summary>
public enum ImportResult
{
    Added,
    Updated,
    Skipped,
    Failed,
}
