namespace Tusk.Images.Discovery;

/// <summary>One image and every place it is used: what `tusk images list -o json` prints.</summary>
public sealed record ImageSummary(string Image, IReadOnlyList<ImageUse> Uses)
{
    public static IReadOnlyList<ImageSummary> Of(ImageInventory inventory) =>
        inventory.Uses.GroupBy(u => u.Image, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ImageSummary(g.Key, g.ToList()))
            .ToList();
}
