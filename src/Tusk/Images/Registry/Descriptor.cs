namespace Tusk.Images.Registry;

/// <summary>An OCI descriptor: what a manifest or index points at. Platform only in an index.</summary>
public sealed record Descriptor(string MediaType, string Digest, long Size, Platform? Platform = null);
