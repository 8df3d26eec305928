namespace Tusk.Images.Mirroring;

/// <summary>What mirroring one image did: where it went and how much had to travel.</summary>
public sealed record MirrorResult(string Source, string Target, int BlobsCopied, long BytesCopied, int BlobsPresent, int Manifests);
