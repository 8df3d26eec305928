using System.Collections.Concurrent;
using System.Security.Cryptography;
using Tusk.Images.Discovery;
using Tusk.Images.Registry;

namespace Tusk.Images.Checking;

/// <summary>
/// Asks each image's registry whether the image exists, offers the target platform, and runs as a
/// user the pods accept. Several images are checked at once (bounded), each one independently: one
/// registry being down does not hide the verdicts of the others. What is named by a digest
/// (an index's platform manifest, a config) cannot change, so it is fetched once per repository:
/// tags that point at the same image, or the same image listed twice, cost one manifest each.
/// </summary>
/// <param name="inspectLayers">Stream the layers of images whose pods preload libraries, to look for each .so (slow: whole layers travel).</param>
public sealed class ImageChecker(RegistryClient client, Platform platform, int parallelism = 8, bool inspectLayers = false)
{
    private readonly ConcurrentDictionary<(string Registry, string Repository, string Digest), Lazy<Task<RegistryResponse>>> _byDigest = new();

    /// <summary>The results in the order of <paramref name="images"/>.</summary>
    public async Task<IReadOnlyList<ImageCheckResult>> CheckAsync(IReadOnlyList<(ImageReference Reference, IReadOnlyList<ImageUse> Uses)> images, CancellationToken cancel)
    {
        var results = new ImageCheckResult[images.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, images.Count), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancel }, async (i, token) =>
        {
            var (reference, uses) = images[i];
            ImageCheckResult result;
            try
            {
                result = await CheckOneAsync(reference, uses, token);
            }
            catch (RegistryException e)
            {
                result = Result(reference, e.Unreachable ? ImageVerdict.Unreachable : ImageVerdict.Failed, e.Message);
            }
            catch (System.Text.Json.JsonException e)
            {
                result = Result(reference, ImageVerdict.Failed, $"registry {reference.Registry} sent a manifest or config that is not valid JSON ({e.Message})");
            }

            results[i] = result with { UsedBy = uses.Where(u => u.Line > 0).Select(u => u.Where).ToList() };
        });
        return results;
    }

    /// <summary>
    /// Content named by a digest, fetched by the first image that needs it and shared by the others.
    /// A failed fetch is not kept: the next image asks again.
    /// </summary>
    private async Task<RegistryResponse> ByDigestAsync(string registry, string repository, string digest, Func<Task<RegistryResponse>> fetch)
    {
        var entry = KeyValuePair.Create((registry, repository, digest), new Lazy<Task<RegistryResponse>>(fetch));
        var shared = _byDigest.GetOrAdd(entry.Key, entry.Value);
        try
        {
            var response = await shared.Value;
            if (!response.Ok)
            {
                _byDigest.TryRemove(KeyValuePair.Create(entry.Key, shared));
            }

            return response;
        }
        catch
        {
            _byDigest.TryRemove(KeyValuePair.Create(entry.Key, shared));
            throw;
        }
    }

    private static ImageCheckResult Result(ImageReference reference, ImageVerdict verdict, string message) =>
        new() { Image = reference.ToString(), Verdict = verdict, Message = message };

    private async Task<ImageCheckResult> CheckOneAsync(ImageReference reference, IReadOnlyList<ImageUse> uses, CancellationToken cancel)
    {
        var (registry, repository) = (reference.Registry, reference.Repository);
        var response = await client.GetManifestAsync(registry, repository, reference.ManifestReference, cancel);
        if (response.Status is 401 or 403)
        {
            // Docker Hub answers 401 for a repository that does not exist too, so both causes are named.
            return Result(reference, ImageVerdict.Unauthorized, $"registry {registry} refused access to {repository} (HTTP {response.Status}{(response.ErrorCode is null ? "" : " " + response.ErrorCode)}): the repository does not exist, or it is private; check the name, and if it is private, log in so ~/.docker/config.json holds credentials for {registry} and give the pods an imagePullSecret");
        }

        if (response.Status == 404)
        {
            var tags = await client.TagsAsync(registry, repository, cancel);
            return tags.ErrorCode == "NAME_UNKNOWN" || (tags.Status == 404 && tags.ErrorCode is null)
                ? Result(reference, ImageVerdict.MissingRepository, $"the repository {repository} does not exist in {registry}; check the name (helper images often live elsewhere, e.g. rancher/mirrored-library-busybox rather than busybox) or push the image there")
                : Result(reference, ImageVerdict.MissingTag, $"the repository {reference.Name} exists but has no {(reference.Digest is null ? "tag " + reference.Tag : "manifest " + reference.Digest)}; check the tag or push it (tusk images mirror)");
        }

        if (!response.Ok)
        {
            return Result(reference, ImageVerdict.Failed, $"registry {registry} answered HTTP {response.Status}{(response.ErrorCode is null ? "" : " " + response.ErrorCode)} for {reference}{(response.ErrorMessage is null ? "" : $": {response.ErrorMessage}")}");
        }

        var manifest = ManifestDocument.Parse(response.Body, response.ContentType);
        var digest = response.Digest ?? "sha256:" + Convert.ToHexStringLower(SHA256.HashData(response.Body));
        List<string> platforms;
        if (manifest.IsIndex)
        {
            var offered = manifest.Manifests.Where(m => m.Platform is { Os.Length: > 0 } p && p.Os != "unknown").ToList();
            platforms = offered.Select(m => m.Platform!.ToString()).Distinct().ToList();
            var chosen = offered.FirstOrDefault(m => platform.Matches(m.Platform!));
            if (chosen is null)
            {
                return Result(reference, ImageVerdict.WrongPlatform, $"the image offers {string.Join(", ", platforms)} but not {platform}; nodes of that platform cannot run it (use a multi-arch tag, or pass --platform if the nodes are not {platform})") with { Digest = digest, Platforms = platforms };
            }

            var child = await ByDigestAsync(registry, repository, chosen.Digest, () => client.GetManifestAsync(registry, repository, chosen.Digest, cancel));
            if (!child.Ok)
            {
                return Result(reference, ImageVerdict.Failed, $"the index lists {chosen.Digest} for {platform} but the registry answered HTTP {child.Status} {child.ErrorCode} for it; the image is incomplete, push it again with all its platforms") with { Digest = digest, Platforms = platforms };
            }

            manifest = ManifestDocument.Parse(child.Body, child.ContentType);
        }
        else
        {
            platforms = [];
        }

        if (manifest.Config is null)
        {
            return Result(reference, ImageVerdict.Failed, $"the manifest of {reference} has no config; it is not a runnable image") with { Digest = digest, Platforms = platforms };
        }

        var configDigest = manifest.Config.Digest;
        var configBlob = await ByDigestAsync(registry, repository, configDigest, () => client.GetBlobAsync(registry, repository, configDigest, cancel));
        if (!configBlob.Ok)
        {
            return Result(reference, ImageVerdict.Failed, $"the image's config {manifest.Config.Digest} cannot be read (HTTP {configBlob.Status} {configBlob.ErrorCode}); the image is incomplete, push it again") with { Digest = digest, Platforms = platforms };
        }

        var config = ImageConfig.Parse(configBlob.Body);
        if (!manifest.IsIndex && platforms.Count == 0)
        {
            platforms = [config.Platform.ToString()];
            if (!platform.Matches(config.Platform))
            {
                return Result(reference, ImageVerdict.WrongPlatform, $"the image is built for {config.Platform} only, not {platform}; nodes of that platform cannot run it (use a multi-arch tag, or pass --platform if the nodes are not {platform})") with { Digest = digest, Platforms = platforms, User = config.User };
            }
        }

        var libraries = uses.SelectMany(u => u.PreloadLibraries ?? []).Distinct(StringComparer.Ordinal).ToList();
        var notes = new List<string>();
        if (libraries.Count > 0 && !inspectLayers)
        {
            notes.Add($"shared_preload_libraries ({string.Join(", ", libraries)}) could not be checked: the registry does not list an image's files; pass --libraries to stream the layers and look, or confirm each .so is in the image's $libdir (pg_config --pkglibdir)");
        }
        else if (libraries.Count > 0)
        {
            var (finder, unreadable) = await LayerFiles.ReadAsync(client, reference, manifest, cancel);
            if (finder is null)
            {
                notes.Add($"shared_preload_libraries ({string.Join(", ", libraries)}) could not be checked: {unreadable}");
            }
            else
            {
                var missing = libraries.Where(l => finder.Find(l) is null).ToList();
                if (missing.Count > 0)
                {
                    var files = string.Join(", ", missing.Select(LibraryFinder.FileName));
                    return Result(reference, ImageVerdict.MissingLibrary, $"shared_preload_libraries names {string.Join(", ", missing)} but the image holds no {files} in a PostgreSQL library directory: PostgreSQL will not start (FATAL: could not access file \"{missing[0]}\": No such file or directory); use an image that has the extension, or remove it from shared_preload_libraries") with { Digest = digest, Platforms = platforms, User = config.User };
                }

                notes.Add("shared_preload_libraries present: " + string.Join(", ", libraries.Select(l => $"{l} at {finder.Find(l)}")));
            }
        }

        var refused = uses.Select(u => UserRule.Check(config.User, u)).FirstOrDefault(r => r is not null);
        if (refused is { } r)
        {
            return Result(reference, r.Verdict, r.Message) with { Digest = digest, Platforms = platforms, User = config.User, Notes = notes };
        }

        var user = config.User is null ? "no USER (root)" : $"user {config.User}";
        return Result(reference, ImageVerdict.Ok, $"exists; {platform} present; {user}{(uses.Any(u => u.RunAsNonRoot) ? ", accepted under runAsNonRoot" : "")}") with { Digest = digest, Platforms = platforms, User = config.User, Notes = notes };
    }
}
