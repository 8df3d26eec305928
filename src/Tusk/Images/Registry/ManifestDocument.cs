using System.Text.Json;

namespace Tusk.Images.Registry;

/// <summary>
/// A manifest or an index as the registry sent it. The media type comes from Content-Type first:
/// umoci's manifests carry no mediaType field, so the body alone cannot tell.
/// </summary>
public sealed record ManifestDocument(string MediaType, byte[] Raw, Descriptor? Config, IReadOnlyList<Descriptor> Layers, IReadOnlyList<Descriptor> Manifests)
{
    public bool IsIndex => MediaTypes.IsIndex(MediaType);

    public static ManifestDocument Parse(byte[] raw, string? contentType)
    {
        using var json = JsonDocument.Parse(raw);
        var root = json.RootElement;
        var mediaType = contentType is not null && MediaTypes.Manifests.Contains(contentType)
            ? contentType
            : root.TryGetProperty("mediaType", out var m) && m.GetString() is { } written ? written
            : root.TryGetProperty("manifests", out _) ? MediaTypes.OciIndex : MediaTypes.OciManifest;
        var config = root.TryGetProperty("config", out var c) ? ReadDescriptor(c) : null;
        var layers = root.TryGetProperty("layers", out var l) ? l.EnumerateArray().Select(ReadDescriptor).ToList() : [];
        var manifests = root.TryGetProperty("manifests", out var ms) ? ms.EnumerateArray().Select(ReadDescriptor).ToList() : [];
        return new ManifestDocument(mediaType, raw, config, layers, manifests);
    }

    private static Descriptor ReadDescriptor(JsonElement e)
    {
        Platform? platform = null;
        if (e.TryGetProperty("platform", out var p))
        {
            platform = new Platform(
                p.TryGetProperty("os", out var os) ? os.GetString() ?? "" : "",
                p.TryGetProperty("architecture", out var arch) ? arch.GetString() ?? "" : "",
                p.TryGetProperty("variant", out var v) ? v.GetString() : null);
        }

        return new Descriptor(
            e.TryGetProperty("mediaType", out var m) ? m.GetString() ?? "" : "",
            e.GetProperty("digest").GetString() ?? "",
            e.TryGetProperty("size", out var s) ? s.GetInt64() : 0,
            platform);
    }
}
