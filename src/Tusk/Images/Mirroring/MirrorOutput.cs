using System.Text;
using System.Text.RegularExpressions;
using Tusk.Images.Discovery;

namespace Tusk.Images.Mirroring;

/// <summary>The rewritten references, in the two shapes people paste: an operator's RELATED_IMAGE_* block and a kustomize images: patch.</summary>
public static partial class MirrorOutput
{
    /// <summary>RELATED_IMAGE_X=target, one per image: the operator's variable when the image came from a PostgresCluster, else one named after the repository.</summary>
    public static string RelatedImages(IReadOnlyList<MirrorResult> results, IReadOnlyList<ImageUse> uses)
    {
        var text = new StringBuilder();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var result in results)
        {
            var variable = uses.FirstOrDefault(u => u.Image == result.Source && u.RelatedImage is not null)?.RelatedImage
                ?? "RELATED_IMAGE_" + NotAlphanumeric().Replace(ImageReference.Parse(result.Source).Repository.Split('/')[^1].ToUpperInvariant(), "_");
            if (seen.Add(variable))
            {
                text.Append(variable).Append('=').Append(result.Target).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// kustomize matches images by the name written in the manifests (without tag), so each written
    /// spelling (busybox, docker.io/library/busybox) gets its own entry pointing at the mirror.
    /// </summary>
    public static string Kustomize(IReadOnlyList<MirrorResult> results, IReadOnlyList<ImageUse> uses)
    {
        var text = new StringBuilder("images:\n");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var result in results)
        {
            var target = ImageReference.Parse(result.Target);
            var written = uses.Where(u => u.Image == result.Source).Select(u => NameOf(u.Written)).DefaultIfEmpty(ImageReference.Parse(result.Source).Name);
            foreach (var name in written)
            {
                if (seen.Add(name))
                {
                    text.Append("- name: ").Append(name).Append('\n').Append("  newName: ").Append(target.Name).Append('\n');
                }
            }
        }

        return text.ToString();
    }

    /// <summary>The written reference without tag or digest: "rancher/x:1" is "rancher/x", "host:5000/a@sha256:.." is "host:5000/a".</summary>
    public static string NameOf(string written)
    {
        var name = written.Split('@')[0];
        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') ? name[..colon] : name;
    }

    [GeneratedRegex("[^A-Z0-9]+")]
    private static partial Regex NotAlphanumeric();
}
