namespace Tusk.Images.Mirroring;

/// <summary>Which platforms of a multi-arch image to copy: all of them (the index too), or one.</summary>
public sealed record MirrorScope(Platform? Platform)
{
    public static readonly MirrorScope AllPlatforms = new((Platform?)null);

    public override string ToString() => Platform?.ToString() ?? "all platforms";
}
