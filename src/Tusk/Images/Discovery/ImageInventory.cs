namespace Tusk.Images.Discovery;

/// <summary>Every image use found, and every problem met on the way.</summary>
public sealed record ImageInventory(IReadOnlyList<ImageUse> Uses, IReadOnlyList<ImageProblem> Problems)
{
    public static readonly ImageInventory Empty = new([], []);

    /// <summary>The distinct images, in the order they were first met.</summary>
    public IReadOnlyList<string> Images => Uses.Select(u => u.Image).Distinct(StringComparer.Ordinal).ToList();

    public ImageInventory Merge(ImageInventory other) => new([.. Uses, .. other.Uses], [.. Problems, .. other.Problems]);
}
