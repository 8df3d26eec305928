using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Tusk.Images.Mirroring;
using Tusk.Images.Registry;

namespace Tusk.Images.Bundling;

/// <summary>
/// Writes images into one OCI image layout archive (oci-layout, index.json, blobs/sha256/...) for
/// carrying to a machine without registry access. Each image is named in index.json by its full
/// reference (org.opencontainers.image.ref.name, and io.containerd.image.name for containerd's
/// importer), so `skopeo copy oci-archive:FILE:REF` and `ctr images import` find it. A blob
/// shared by several images is stored once.
/// </summary>
public sealed class ImageBundler(RegistryClient client)
{
    public async Task<BundleResult> BundleAsync(IReadOnlyList<ImageReference> images, MirrorScope scope, string archive, CancellationToken cancel)
    {
        var directory = Directory.CreateTempSubdirectory("tusk-bundle-").FullName;
        try
        {
            var blobs = Path.Combine(directory, "blobs", "sha256");
            Directory.CreateDirectory(blobs);
            var entries = new JsonArray();
            foreach (var image in images)
            {
                var (mediaType, digest, size) = await AddImageAsync(image, scope, blobs, cancel);
                entries.Add((JsonNode)new JsonObject
                {
                    ["mediaType"] = mediaType,
                    ["digest"] = digest,
                    ["size"] = size,
                    ["annotations"] = new JsonObject
                    {
                        ["org.opencontainers.image.ref.name"] = image.ToString(),
                        ["io.containerd.image.name"] = image.ToString(),
                    },
                });
            }

            await File.WriteAllTextAsync(Path.Combine(directory, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""", cancel);
            await File.WriteAllTextAsync(Path.Combine(directory, "index.json"), new JsonObject { ["schemaVersion"] = 2, ["manifests"] = entries }.ToJsonString(), cancel);

            // Written beside the target and renamed, so a failed run never leaves half an archive under the name asked for.
            var partial = archive + ".partial";
            await TarFile.CreateFromDirectoryAsync(directory, partial, includeBaseDirectory: false, cancel);
            File.Move(partial, archive, overwrite: true);
            var count = Directory.GetFiles(blobs).Length;
            return new BundleResult(archive, images.Count, count, new FileInfo(archive).Length);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Stores an image's manifests and blobs; returns the descriptor index.json points at.</summary>
    private async Task<(string MediaType, string Digest, long Size)> AddImageAsync(ImageReference image, MirrorScope scope, string blobs, CancellationToken cancel)
    {
        var root = await ManifestAsync(image, image.ManifestReference, cancel);
        if (root.IsIndex && scope.Platform is { } platform)
        {
            var chosen = root.Manifests.FirstOrDefault(m => m.Platform is not null && platform.Matches(m.Platform))
                ?? throw new RegistryException($"{image} offers {string.Join(", ", root.Manifests.Where(m => m.Platform is not null).Select(m => m.Platform))} but not {platform}; choose another --platform or use --all-platforms");
            root = await ManifestAsync(image, chosen.Digest, cancel);
        }

        if (root.IsIndex)
        {
            foreach (var member in root.Manifests)
            {
                await AddManifestAsync(image, await ManifestAsync(image, member.Digest, cancel), blobs, cancel);
            }

            return (root.MediaType, await StoreAsync(blobs, root.Raw, cancel), root.Raw.Length);
        }

        return (root.MediaType, await AddManifestAsync(image, root, blobs, cancel), root.Raw.Length);
    }

    private async Task<string> AddManifestAsync(ImageReference image, ManifestDocument manifest, string blobs, CancellationToken cancel)
    {
        var all = manifest.Config is null ? manifest.Layers : [manifest.Config, .. manifest.Layers];
        foreach (var blob in all)
        {
            if (File.Exists(Path.Combine(blobs, blob.Digest["sha256:".Length..])))
            {
                continue;
            }

            await DownloadAsync(image, blob, blobs, cancel);
        }

        return await StoreAsync(blobs, manifest.Raw, cancel);
    }

    /// <summary>Streams a blob to its file, hashing on the way; a blob whose digest does not match is deleted and refused.</summary>
    private async Task DownloadAsync(ImageReference image, Descriptor blob, string blobs, CancellationToken cancel)
    {
        using var transfer = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        transfer.CancelAfter(client.TransferTimeout(blob.Size));
        var file = Path.Combine(blobs, blob.Digest["sha256:".Length..]);
        try
        {
            using var download = await client.OpenBlobAsync(image.Registry, image.Repository, blob.Digest, transfer.Token);
            if (!download.IsSuccessStatusCode)
            {
                var failure = await RegistryClient.ReadFailureAsync(image.Registry, download, transfer.Token);
                throw new RegistryException($"cannot read blob {blob.Digest} of {image} (HTTP {failure.Status}{(failure.ErrorCode is null ? "" : " " + failure.ErrorCode)})");
            }

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var input = await download.Content.ReadAsStreamAsync(transfer.Token))
            await using (var output = File.Create(file))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await input.ReadAsync(buffer, transfer.Token)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), transfer.Token);
                }
            }

            if ("sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset()) != blob.Digest)
            {
                File.Delete(file);
                throw new RegistryException($"blob {blob.Digest} of {image} arrived with another digest; the registry sent corrupt data");
            }
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new RegistryException($"blob {blob.Digest} of {image} ({blob.Size} bytes) was not downloaded within {client.TransferTimeout(blob.Size).TotalSeconds:0}s (the timeout plus a second per MiB); raise --timeout for slow links", unreachable: true);
        }
    }

    private async Task<ManifestDocument> ManifestAsync(ImageReference image, string reference, CancellationToken cancel)
    {
        var response = await client.GetManifestAsync(image.Registry, image.Repository, reference, cancel);
        return response.Ok
            ? ManifestDocument.Parse(response.Body, response.ContentType)
            : throw new RegistryException($"cannot read {image.Name}:{reference} from {image.Registry}: HTTP {response.Status}{(response.ErrorCode is null ? "" : " " + response.ErrorCode)}; run `tusk images check {image}` to see why");
    }

    private static async Task<string> StoreAsync(string blobs, byte[] content, CancellationToken cancel)
    {
        var hex = Convert.ToHexStringLower(SHA256.HashData(content));
        await File.WriteAllBytesAsync(Path.Combine(blobs, hex), content, cancel);
        return "sha256:" + hex;
    }
}
