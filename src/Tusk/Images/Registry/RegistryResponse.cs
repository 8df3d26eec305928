namespace Tusk.Images.Registry;

/// <summary>A registry's answer: status, Content-Type, Docker-Content-Digest, Location (uploads), body, and the error code of a JSON error body.</summary>
public sealed record RegistryResponse(int Status, string? ContentType, string? Digest, string? Location, byte[] Body, string? ErrorCode, string? ErrorMessage)
{
    public bool Ok => Status is >= 200 and < 300;
}
