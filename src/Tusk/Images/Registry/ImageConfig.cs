using System.Text.Json;

namespace Tusk.Images.Registry;

/// <summary>The parts of an image's config blob that decide whether it can run: platform and user.</summary>
public sealed record ImageConfig(Platform Platform, string? User)
{
    public static ImageConfig Parse(byte[] raw)
    {
        using var json = JsonDocument.Parse(raw);
        var root = json.RootElement;
        string? Text(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var user = root.TryGetProperty("config", out var config) ? Text(config, "User") : null;
        return new ImageConfig(new Platform(Text(root, "os") ?? "", Text(root, "architecture") ?? "", Text(root, "variant")), string.IsNullOrEmpty(user) ? null : user);
    }
}
