using System.Text;
using System.Text.Json;

namespace Tusk.Images.Registry;

/// <summary>
/// Basic credentials per registry host, from ~/.docker/config.json (or $DOCKER_CONFIG/config.json):
/// auths.&lt;host&gt;.auth is base64("user:password"). They are only ever sent in headers, never logged.
/// </summary>
public sealed class RegistryCredentials
{
    private readonly Dictionary<string, string> _basic;

    public RegistryCredentials(IReadOnlyDictionary<string, string> basicByHost) =>
        _basic = new Dictionary<string, string>(basicByHost, StringComparer.OrdinalIgnoreCase);

    public static readonly RegistryCredentials None = new(new Dictionary<string, string>());

    /// <summary>The base64 "user:password" for a registry as written in image references (docker.io, quay.io, host:port).</summary>
    public string? BasicFor(string registry) => _basic.TryGetValue(registry, out var auth) ? auth : null;

    public static string DefaultPath() =>
        Path.Combine(Environment.GetEnvironmentVariable("DOCKER_CONFIG") is { Length: > 0 } dir ? dir : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker"), "config.json");

    /// <summary>Reads a docker config; a missing file means no credentials, an unreadable one is an error that names the file.</summary>
    public static RegistryCredentials Load(string path)
    {
        if (!File.Exists(path))
        {
            return None;
        }

        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or FormatException)
        {
            throw new RegistryException($"{path}: cannot read registry credentials ({e.Message}); fix the file or move it away");
        }
    }

    public static RegistryCredentials Parse(string json)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("auths", out var auths) || auths.ValueKind != JsonValueKind.Object)
        {
            return new RegistryCredentials(result);
        }

        foreach (var entry in auths.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            string? auth = null;
            if (entry.Value.TryGetProperty("auth", out var a) && a.GetString() is { Length: > 0 } encoded)
            {
                auth = encoded;
            }
            else if (entry.Value.TryGetProperty("username", out var u) && entry.Value.TryGetProperty("password", out var p))
            {
                auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{u.GetString()}:{p.GetString()}"));
            }

            if (auth is not null)
            {
                result[HostOf(entry.Name)] = auth;
            }
        }

        return new RegistryCredentials(result);
    }

    /// <summary>"https://index.docker.io/v1/" is Docker Hub's key; other keys may carry a scheme or path too.</summary>
    private static string HostOf(string key)
    {
        var host = key;
        var scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            host = host[(scheme + 3)..];
        }

        var slash = host.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            host = host[..slash];
        }

        return host is "index.docker.io" or "registry-1.docker.io" ? ImageReference.DockerHub : host;
    }
}
