using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Tusk.Images;

/// <summary>
/// An image reference in its normalised form, the way the container runtime resolves it:
/// `busybox` is docker.io/library/busybox:latest, `rancher/x:1` is docker.io/rancher/x:1, and a
/// digest pins the content whatever the tag says.
/// </summary>
public sealed partial record ImageReference(string Registry, string Repository, string? Tag, string? Digest)
{
    public const string DockerHub = "docker.io";

    /// <summary>The reference as the runtime pulls it: registry/repository[:tag][@digest].</summary>
    public override string ToString() =>
        $"{Registry}/{Repository}{(Tag is null ? "" : ":" + Tag)}{(Digest is null ? "" : "@" + Digest)}";

    /// <summary>What to ask the registry for: the digest when there is one (it wins over the tag), else the tag.</summary>
    public string ManifestReference => Digest ?? Tag ?? "latest";

    /// <summary>The same image in another registry (for mirroring); the repository path is kept.</summary>
    public ImageReference WithRegistry(string registry) => this with { Registry = registry };

    /// <summary>The repository without registry, tag or digest, e.g. docker.io/library/busybox.</summary>
    public string Name => $"{Registry}/{Repository}";

    public static ImageReference Parse(string text) =>
        TryParse(text, out var reference, out var error) ? reference : throw new FormatException(error);

    /// <summary>Parses and normalises; on failure <paramref name="error"/> says what is wrong with the text.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ImageReference? reference, [NotNullWhen(false)] out string? error)
    {
        reference = null;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            error = "the image is empty";
            return false;
        }

        string? digest = null;
        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = text[(at + 1)..];
            text = text[..at];
            if (!DigestPattern().IsMatch(digest))
            {
                error = $"\"{digest}\" is not a digest; write it as sha256:<64 hex digits>";
                return false;
            }
        }

        string? tag = null;
        var colon = text.LastIndexOf(':');
        if (colon > text.LastIndexOf('/'))
        {
            tag = text[(colon + 1)..];
            text = text[..colon];
            if (!TagPattern().IsMatch(tag))
            {
                error = $"\"{tag}\" is not a valid tag (letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-')";
                return false;
            }
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var registry = DockerHub;
        var path = text;
        if (slash > 0 && IsRegistry(text[..slash]))
        {
            registry = text[..slash];
            path = text[(slash + 1)..];
        }

        if (registry is "index.docker.io" or "registry-1.docker.io")
        {
            registry = DockerHub;
        }

        if (registry == DockerHub && !path.Contains('/', StringComparison.Ordinal))
        {
            path = "library/" + path;
        }

        if (!RepositoryPattern().IsMatch(path))
        {
            error = $"\"{path}\" is not a valid repository: components are lower-case letters and digits, separated by '/', '.', '_' or '-'";
            return false;
        }

        reference = new ImageReference(registry, path, tag ?? (digest is null ? "latest" : null), digest);
        error = null;
        return true;
    }

    /// <summary>The runtime's rule: the first component is a registry when it has a dot or a port, or is localhost.</summary>
    private static bool IsRegistry(string component) =>
        component.Contains('.', StringComparison.Ordinal) || component.Contains(':', StringComparison.Ordinal) || component == "localhost" || component.Any(char.IsUpper);

    [GeneratedRegex("^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$")]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex TagPattern();

    [GeneratedRegex("^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-fA-F0-9]{32,}$")]
    private static partial Regex DigestPattern();
}
