using System.Text.Json.Nodes;

namespace Tusk.Kubernetes.Builders;

/// <summary>
/// The hardened security settings every Tusk pod runs with. The database image runs as the
/// official postgres image's numeric user (999), so runAsNonRoot can verify it without reading
/// the image; fsGroup makes the volumes writable for that user.
/// </summary>
public static class PodSecurity
{
    public const long User = 999;
    public const long Group = 999;

    public static JsonObject Pod() => new()
    {
        ["runAsNonRoot"] = true,
        ["runAsUser"] = User,
        ["runAsGroup"] = Group,
        ["fsGroup"] = Group,
        ["fsGroupChangePolicy"] = "OnRootMismatch",
        ["seccompProfile"] = new JsonObject { ["type"] = "RuntimeDefault" },
    };

    public static JsonObject Container() => new()
    {
        ["runAsNonRoot"] = true,
        ["privileged"] = false,
        ["allowPrivilegeEscalation"] = false,
        ["readOnlyRootFilesystem"] = true,
        ["capabilities"] = new JsonObject { ["drop"] = new JsonArray("ALL") },
        ["seccompProfile"] = new JsonObject { ["type"] = "RuntimeDefault" },
    };
}
