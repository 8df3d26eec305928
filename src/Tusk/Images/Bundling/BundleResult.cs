namespace Tusk.Images.Bundling;

/// <summary>What a bundle holds: how many images and distinct blobs (manifests included), and its size.</summary>
public sealed record BundleResult(string Archive, int Images, int Blobs, long Bytes);
