using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Tusk.Kubernetes.Client;

namespace Tusk.Bench;

/// <summary>
/// Watches some resources in one namespace (list + watch, as the operator does) and records when
/// each object was first seen, when each PostgresCluster first had a status, and when a
/// StatefulSet first showed a given spec.replicas: the benchmark reads its times from here
/// instead of polling the API server.
/// </summary>
public sealed class ObjectTracker : IAsyncDisposable
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _watches = [];
    private readonly ConcurrentDictionary<string, double> _firstSeen = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, double> _statusSeen = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<double>> _replicaWaiters = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _errors = new();

    private ObjectTracker()
    {
    }

    /// <summary>Seconds since the tracker started; every recorded time is on this clock.</summary>
    public double Now => _clock.Elapsed.TotalSeconds;

    /// <summary>"plural/name" → when the object was first seen.</summary>
    public IReadOnlyDictionary<string, double> FirstSeen => _firstSeen;

    /// <summary>PostgresCluster name → when it first had a status.</summary>
    public IReadOnlyDictionary<string, double> StatusSeen => _statusSeen;

    public IEnumerable<string> Errors => _errors;

    public static string Key(ApiResource resource, string name) => $"{resource.Plural}/{name}";

    /// <summary>Starts one watch per resource and returns once every one has listed.</summary>
    public static async Task<ObjectTracker> StartAsync(KubeClient client, string ns, IEnumerable<ApiResource> resources)
    {
        var tracker = new ObjectTracker();
        foreach (var resource in resources.Distinct())
        {
            var synced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            tracker._watches.Add(new ListWatcher(client, resource, ns).RunAsync(e =>
            {
                tracker.Observe(resource, e, synced);
                return Task.CompletedTask;
            }, e => tracker._errors.Enqueue($"{resource.Plural}: {e.Message}"), tracker._stop.Token));
            await synced.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        return tracker;
    }

    /// <summary>Completes when the StatefulSet shows spec.replicas = <paramref name="replicas"/>, with the time it was seen.</summary>
    public Task<double> ReplicasSeenAsync(string statefulSet, int replicas) => ReplicasSeenTask(statefulSet, replicas).Task;

    private void Observe(ApiResource resource, WatchEvent e, TaskCompletionSource synced)
    {
        if (e.Type == WatchEvent.Synced)
        {
            synced.TrySetResult();
            return;
        }

        if (e.Type == WatchEvent.Deleted || e.Item["metadata"]?["name"]?.GetValue<string>() is not { } name)
        {
            return;
        }

        var now = Now;
        _firstSeen.TryAdd(Key(resource, name), now);
        if (resource == ApiResource.PostgresCluster && e.Item["status"] is JsonObject { Count: > 0 })
        {
            _statusSeen.TryAdd(name, now);
        }

        if (resource == ApiResource.StatefulSet && e.Item["spec"]?["replicas"]?.GetValue<int>() is { } replicas)
        {
            ReplicasSeenTask(name, replicas).TrySetResult(now);
        }
    }

    private TaskCompletionSource<double> ReplicasSeenTask(string statefulSet, int replicas) =>
        _replicaWaiters.GetOrAdd($"{statefulSet}={replicas}", _ => new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_watches);
        _stop.Dispose();
    }
}
