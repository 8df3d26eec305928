using System.Text.Json.Nodes;

namespace Tusk.Kubernetes.Client;

/// <summary>
/// Keeps a local view of one resource current, the way client-go's reflector does: list, then
/// watch from the list's resourceVersion (with bookmarks, so a quiet watch still advances it);
/// re-watch when the server ends a watch; relist when the server answers 410 Gone; back off
/// exponentially (up to <see cref="MaxBackoff"/>) after errors. After a relist, objects that
/// vanished meanwhile are reported as DELETED, so a handler never misses a deletion.
/// </summary>
public sealed class ListWatcher(KubeClient client, ApiResource resource, string? ns, string? labelSelector = null)
{
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly Dictionary<string, JsonObject> _known = new(StringComparer.Ordinal);

    /// <summary>How long each watch request may stay open before the server ends it (and it is reopened).</summary>
    public int WatchTimeoutSeconds { get; init; } = 300;

    /// <summary>The first pause after an error; it doubles with each further error.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The resourceVersion the view is current to.</summary>
    public string ResourceVersion { get; private set; } = "";

    /// <summary>How many times the full list was read (the first time included).</summary>
    public int Lists { get; private set; }

    /// <summary>The objects currently known, by "namespace/name".</summary>
    public IReadOnlyDictionary<string, JsonObject> Known => _known;

    /// <summary>Runs until <paramref name="cancel"/> fires, calling <paramref name="handle"/> for every change, one at a time.</summary>
    /// <param name="handle">ADDED/MODIFIED/DELETED for objects; SYNCED (with an empty object) after each list.</param>
    /// <param name="onError">told about each error before the backoff pause (for logs and tests); may be null.</param>
    public async Task RunAsync(Func<WatchEvent, Task> handle, Action<Exception>? onError = null, CancellationToken cancel = default)
    {
        var backoff = InitialBackoff;
        // A second run resumes from where the first stopped; the server says 410 if that is too old.
        var needList = ResourceVersion.Length == 0;
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                if (needList)
                {
                    await RelistAsync(handle, cancel);
                    needList = false;
                }

                await foreach (var e in client.WatchAsync(resource, ns, ResourceVersion, labelSelector, WatchTimeoutSeconds, cancel))
                {
                    ResourceVersion = e.Item["metadata"]?["resourceVersion"]?.GetValue<string>() ?? ResourceVersion;
                    if (e.Type == WatchEvent.Bookmark)
                    {
                        continue;
                    }

                    var key = Key(e.Item);
                    if (e.Type == WatchEvent.Deleted)
                    {
                        _known.Remove(key);
                    }
                    else
                    {
                        _known[key] = e.Item;
                    }

                    await handle(e);
                    backoff = InitialBackoff;
                }
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return;
            }
            catch (KubeApiException e) when (e.IsGone)
            {
                // The resourceVersion is older than the server keeps: only a new list can catch up.
                onError?.Invoke(e);
                needList = true;
            }
            catch (Exception e) when (e is KubeApiException or HttpRequestException or IOException or System.Text.Json.JsonException)
            {
                onError?.Invoke(e);
                try
                {
                    await Task.Delay(backoff, cancel);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                // A failed list must be retried; a failed watch resumes from the last version seen.
                needList |= ResourceVersion.Length == 0;
            }
        }
    }

    private async Task RelistAsync(Func<WatchEvent, Task> handle, CancellationToken cancel)
    {
        var list = await client.ListAsync(resource, ns, labelSelector, cancel);
        Lists++;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list.Items)
        {
            var key = Key(item);
            seen.Add(key);
            var type = _known.ContainsKey(key) ? WatchEvent.Modified : WatchEvent.Added;
            _known[key] = item;
            await handle(new WatchEvent(type, item));
        }

        foreach (var gone in _known.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            var obj = _known[gone];
            _known.Remove(gone);
            await handle(new WatchEvent(WatchEvent.Deleted, obj));
        }

        ResourceVersion = list.ResourceVersion;
        await handle(new WatchEvent(WatchEvent.Synced, []));
    }

    /// <summary>"namespace/name" ("name" for cluster-scoped objects).</summary>
    public static string Key(JsonObject obj)
    {
        var meta = obj["metadata"];
        var name = meta?["name"]?.GetValue<string>() ?? "";
        return meta?["namespace"]?.GetValue<string>() is { } n ? $"{n}/{name}" : name;
    }
}
