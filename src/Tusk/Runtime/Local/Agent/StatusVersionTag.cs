using System.Globalization;

namespace Tusk.Runtime.Local.Agent;

/// <summary>A cluster's status version as an HTTP entity tag ("12"), as the agent's ETag and If-None-Match carry it.</summary>
public static class StatusVersionTag
{
    public static string Format(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <returns>The version, or null for no tag or one the agent did not write.</returns>
    public static long? Parse(string? tag) =>
        tag is { Length: > 2 } && tag[0] == '"' && tag[^1] == '"' && long.TryParse(tag.AsSpan(1, tag.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : null;
}
