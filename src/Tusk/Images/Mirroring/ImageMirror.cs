using Tusk.Images.Registry;

namespace Tusk.Images.Mirroring;

/// <summary>
/// Copies images between registries through the Registry API: blobs first (each skipped when
/// the target already holds it, asked with HEAD), then manifests, then the index, so a reference
/// never points at something missing. The repository path is kept: docker.io/rancher/x:1 becomes
/// TARGET/rancher/x:1. Blobs are streamed from source to target, one at a time.
/// </summary>
public sealed class ImageMirror(RegistryClient client)
{
    public async Task<MirrorResult> MirrorAsync(ImageReference source, string targetRegistry, MirrorScope scope, CancellationToken cancel)
    {
        var counts = new Counts();
        var target = source.WithRegistry(targetRegistry);
        var root = await GetManifestAsync(source, source.ManifestReference, cancel);
        var putAs = source.Tag ?? source.Digest!;
        if (root.Document.IsIndex && scope.Platform is { } platform)
        {
            var chosen = root.Document.Manifests.FirstOrDefault(m => m.Platform is not null && platform.Matches(m.Platform))
                ?? throw new RegistryException($"{source} offers {string.Join(", ", root.Document.Manifests.Where(m => m.Platform is not null).Select(m => m.Platform))} but not {platform}; choose another --platform or use --all-platforms");
            var child = await GetManifestAsync(source, chosen.Digest, cancel);
            await CopyImageAsync(source, target, child.Document, counts, cancel);

            // The one platform's manifest takes the tag; a digest-only reference now names that manifest.
            if (source.Tag is null)
            {
                putAs = chosen.Digest;
                target = target with { Digest = chosen.Digest };
            }

            await client.PutManifestAsync(targetRegistry, target.Repository, putAs, child.Document.MediaType, child.Document.Raw, cancel);
            counts.Manifests++;
        }
        else if (root.Document.IsIndex)
        {
            foreach (var member in root.Document.Manifests)
            {
                var child = await GetManifestAsync(source, member.Digest, cancel);
                await CopyImageAsync(source, target, child.Document, counts, cancel);
                await client.PutManifestAsync(targetRegistry, target.Repository, member.Digest, child.Document.MediaType, child.Document.Raw, cancel);
                counts.Manifests++;
            }

            await client.PutManifestAsync(targetRegistry, target.Repository, putAs, root.Document.MediaType, root.Document.Raw, cancel);
            counts.Manifests++;
        }
        else
        {
            await CopyImageAsync(source, target, root.Document, counts, cancel);
            await client.PutManifestAsync(targetRegistry, target.Repository, putAs, root.Document.MediaType, root.Document.Raw, cancel);
            counts.Manifests++;
        }

        return new MirrorResult(source.ToString(), target.ToString(), counts.Copied, counts.Bytes, counts.Present, counts.Manifests);
    }

    /// <summary>Running totals for one image.</summary>
    private sealed class Counts
    {
        public int Copied { get; set; }
        public long Bytes { get; set; }
        public int Present { get; set; }
        public int Manifests { get; set; }
    }

    private async Task<(ManifestDocument Document, string? Digest)> GetManifestAsync(ImageReference source, string reference, CancellationToken cancel)
    {
        var response = await client.GetManifestAsync(source.Registry, source.Repository, reference, cancel);
        if (!response.Ok)
        {
            throw new RegistryException($"cannot read {source.Name}:{reference} from {source.Registry}: HTTP {response.Status}{(response.ErrorCode is null ? "" : " " + response.ErrorCode)}; run `tusk images check {source}` to see why");
        }

        return (ManifestDocument.Parse(response.Body, response.ContentType), response.Digest);
    }

    private async Task CopyImageAsync(ImageReference source, ImageReference target, ManifestDocument manifest, Counts counts, CancellationToken cancel)
    {
        var blobs = manifest.Config is null ? manifest.Layers : [manifest.Config, .. manifest.Layers];
        foreach (var blob in blobs)
        {
            if (await client.BlobExistsAsync(target.Registry, target.Repository, blob.Digest, cancel))
            {
                counts.Present++;
                continue;
            }

            // Streamed from source to target: a layer never has to fit in memory. The target registry
            // checks the digest, so a blob corrupted on the way is refused, not stored.
            using var transfer = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            transfer.CancelAfter(client.TransferTimeout(blob.Size));
            try
            {
                using var download = await client.OpenBlobAsync(source.Registry, source.Repository, blob.Digest, transfer.Token);
                if (!download.IsSuccessStatusCode)
                {
                    var failure = await RegistryClient.ReadFailureAsync(source.Registry, download, transfer.Token);
                    throw new RegistryException($"cannot read blob {blob.Digest} of {source} (HTTP {failure.Status}{(failure.ErrorCode is null ? "" : " " + failure.ErrorCode)}); the source image is incomplete");
                }

                var size = download.Content.Headers.ContentLength ?? blob.Size;
                await using var stream = await download.Content.ReadAsStreamAsync(transfer.Token);
                await client.PutBlobAsync(target.Registry, target.Repository, blob.Digest, stream, size, transfer.Token);
                counts.Bytes += size;
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                throw new RegistryException($"blob {blob.Digest} of {source} ({blob.Size} bytes) was not copied within {client.TransferTimeout(blob.Size).TotalSeconds:0}s (the timeout plus a second per MiB); raise --timeout for slow links", unreachable: true);
            }

            counts.Copied++;
        }
    }
}
