using System.Formats.Tar;
using System.IO.Compression;
using Tusk.Images.Registry;

namespace Tusk.Images.Checking;

/// <summary>
/// Reads an image's file list by streaming its layers (tar, or gzip-compressed tar) from the
/// registry: nothing is written to disk and no file content is kept, only paths.
/// </summary>
public static class LayerFiles
{
    /// <summary>The image's files, layer over layer; null (with the reason) when a layer's compression cannot be read here.</summary>
    public static async Task<(LibraryFinder? Finder, string? Unreadable)> ReadAsync(RegistryClient client, ImageReference image, ManifestDocument manifest, CancellationToken cancel)
    {
        var finder = new LibraryFinder();
        foreach (var layer in manifest.Layers)
        {
            var gzip = layer.MediaType.Contains("gzip", StringComparison.Ordinal);
            if (!gzip && !layer.MediaType.EndsWith("tar", StringComparison.Ordinal) && !layer.MediaType.EndsWith(".tar", StringComparison.Ordinal))
            {
                return (null, $"layer {layer.Digest} is {layer.MediaType}, which tusk cannot read");
            }

            using var transfer = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            transfer.CancelAfter(client.TransferTimeout(layer.Size));
            try
            {
                using var download = await client.OpenBlobAsync(image.Registry, image.Repository, layer.Digest, transfer.Token);
                if (!download.IsSuccessStatusCode)
                {
                    return (null, $"layer {layer.Digest} cannot be read (HTTP {(int)download.StatusCode})");
                }

                await using var body = await download.Content.ReadAsStreamAsync(transfer.Token);
                await using var tar = gzip ? new GZipStream(body, CompressionMode.Decompress) : body;
                await using var reader = new TarReader(tar);
                var paths = new List<string>();
                try
                {
                    while (await reader.GetNextEntryAsync(copyData: false, transfer.Token) is { } entry)
                    {
                        if (entry.EntryType is not TarEntryType.Directory)
                        {
                            paths.Add(entry.Name);
                        }
                    }
                }
                catch (EndOfStreamException) when (paths.Count > 0)
                {
                    // Some writers (umoci 0.4.7's insert) end a layer right after the last file's
                    // data, without padding or end-of-archive blocks; every name was read by then.
                }

                finder.AddLayer(paths);
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                return (null, $"layer {layer.Digest} ({layer.Size} bytes) was not read within {client.TransferTimeout(layer.Size).TotalSeconds:0}s");
            }
            catch (Exception e) when (e is InvalidDataException or FormatException or IOException)
            {
                return (null, $"layer {layer.Digest} is not a readable tar ({e.Message})");
            }
        }

        return (finder, null);
    }
}
