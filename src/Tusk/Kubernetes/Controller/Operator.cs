using Tusk.Kubernetes.Builders;
using Tusk.Kubernetes.Client;

namespace Tusk.Kubernetes.Controller;

/// <summary>
/// The controller loop: list+watch PostgresClusters and the pods and StatefulSets they own (in
/// the watched namespaces, or all), turn every change into the key of its cluster in a
/// <see cref="WorkQueue"/>, and let a few workers reconcile keys one at a time each. Failures are
/// retried with exponential backoff; a cluster that is not ready is looked at again periodically.
/// </summary>
public sealed class Operator(KubeClient client, OperatorOptions options, TimeProvider clock) : IDisposable
{
    private readonly WorkQueue _queue = new(clock);
    private readonly ClusterReconciler _reconciler = new(client, options, clock);
    // What a cluster (its generation and switchover trigger) and a StatefulSet (its generation)
    // looked like when they last queued a cycle.
    private readonly Dictionary<string, string> _clustersSeen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _statefulSetsSeen = new(StringComparer.Ordinal);

    /// <summary>Counters for /metrics and the readiness probe.</summary>
    public OperatorMetrics Metrics { get; } = new();

    /// <summary>After every successful cycle: the cluster's key and how it ended.</summary>
    public event Action<string, ReconcileResult>? Reconciled;

    /// <summary>After every failed cycle or watch error: the key ("" for a watch) and the error.</summary>
    public event Action<string, Exception>? Failed;

    public async Task RunAsync(int workers = 2, CancellationToken cancel = default)
    {
        IReadOnlyList<string?> namespaces = options.WatchNamespaces.Count == 0 ? [null] : [.. options.WatchNamespaces];
        var tasks = new List<Task>();
        foreach (var ns in namespaces)
        {
            tasks.Add(new ListWatcher(client, ApiResource.PostgresCluster, ns).RunAsync(e => OnCluster(e), OnWatchError, cancel));
            foreach (var owned in new[] { ApiResource.Pod, ApiResource.StatefulSet })
            {
                tasks.Add(new ListWatcher(client, owned, ns, Labels.Cluster).RunAsync(e => OnOwned(owned, e), OnWatchError, cancel));
            }
        }

        for (var i = 0; i < workers; i++)
        {
            tasks.Add(WorkAsync(cancel));
        }

        await Task.WhenAll(tasks);
    }

    public void Dispose() => _queue.Dispose();

    private void OnWatchError(Exception e)
    {
        Metrics.WatchError();
        Failed?.Invoke("", e);
    }

    private Task OnCluster(WatchEvent e)
    {
        if (e.Type == WatchEvent.Synced)
        {
            Metrics.IsSynced = true;
            return Task.CompletedTask;
        }

        // A status write (ours) changes no generation: only spec changes, a switchover or backup
        // trigger, additions and deletions need a cycle (a deletion held by the finalizer arrives as a modification).
        var key = ListWatcher.Key(e.Item);
        var fingerprint = $"{e.Item["metadata"]?["generation"]?.GetValue<long>() ?? 0} {SwitchoverRequest.Trigger(e.Item)} {e.Item["metadata"]?["annotations"]?[KubeBackups.TriggerAnnotation]?.GetValue<string>()}";
        if (!IsNew(_clustersSeen, e, fingerprint) && !ClusterFinalizer.IsDeleting(e.Item))
        {
            return Task.CompletedTask;
        }

        _queue.Add(key);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Whether an event changes what matters of its object (<paramref name="fingerprint"/>): a
    /// modification that leaves it as it was is not; additions and deletions are. Remembers it.
    /// </summary>
    private static bool IsNew(Dictionary<string, string> seen, WatchEvent e, string fingerprint)
    {
        var key = ListWatcher.Key(e.Item);
        lock (seen)
        {
            if (e.Type == WatchEvent.Modified && seen.GetValueOrDefault(key) == fingerprint)
            {
                return false;
            }

            if (e.Type == WatchEvent.Deleted)
            {
                seen.Remove(key);
            }
            else
            {
                seen[key] = fingerprint;
            }

            return true;
        }
    }

    private Task OnOwned(ApiResource resource, WatchEvent e)
    {
        if (e.Item["metadata"]?["labels"]?[Labels.Cluster]?.GetValue<string>() is not { } cluster
            || e.Item["metadata"]?["namespace"]?.GetValue<string>() is not { } ns)
        {
            return Task.CompletedTask;
        }

        // A StatefulSet matters when its spec changes (someone edited it: put it back) or it goes.
        // Its status follows the pods, which are watched themselves; and kube-apiserver 1.20
        // rewrites a StatefulSet on a no-op apply a second or more after the last one (a new
        // resourceVersion, the same generation), so without this each reconcile would queue the
        // next one, for ever, for every cluster.
        if (resource == ApiResource.StatefulSet && !IsNew(_statefulSetsSeen, e, $"{e.Item["metadata"]?["generation"]?.GetValue<long>() ?? 0}"))
        {
            return Task.CompletedTask;
        }

        _queue.Add($"{ns}/{cluster}");
        return Task.CompletedTask;
    }

    private async Task WorkAsync(CancellationToken cancel)
    {
        while (!cancel.IsCancellationRequested)
        {
            string key;
            try
            {
                key = await _queue.TakeAsync(cancel);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var started = clock.GetTimestamp();
            try
            {
                var parts = key.Split('/', 2);
                var result = await _reconciler.ReconcileAsync(parts[0], parts[1], cancel);
                Metrics.Reconciled(success: true, clock.GetElapsedTime(started));
                _queue.Forget(key);
                if (result.RequeueAfter is { } after)
                {
                    _queue.AddAfter(key, after, cancel);
                }

                Reconciled?.Invoke(key, result);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is KubeApiException or HttpRequestException or IOException or System.Text.Json.JsonException)
            {
                Metrics.Reconciled(success: false, clock.GetElapsedTime(started));
                Failed?.Invoke(key, e);
                _queue.AddRateLimited(key, cancel);
            }
            finally
            {
                _queue.Done(key);
            }
        }
    }
}
