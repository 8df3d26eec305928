namespace Tusk.Images;

/// <summary>os/architecture[/variant], e.g. linux/amd64 or linux/arm64/v8.</summary>
public sealed record Platform(string Os, string Architecture, string? Variant = null)
{
    public static readonly Platform LinuxAmd64 = new("linux", "amd64");

    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";

    public static bool TryParse(string? text, out Platform platform)
    {
        platform = LinuxAmd64;
        var parts = text?.Split('/') ?? [];
        if (parts.Length is < 2 or > 3 || parts.Any(p => p.Length == 0))
        {
            return false;
        }

        platform = new Platform(parts[0], parts[1], parts.Length == 3 ? parts[2] : null);
        return true;
    }

    /// <summary>Same os and architecture; a variant only matters when this platform names one.</summary>
    public bool Matches(Platform other) =>
        Os == other.Os && Architecture == other.Architecture && (Variant is null || Variant == other.Variant);
}
