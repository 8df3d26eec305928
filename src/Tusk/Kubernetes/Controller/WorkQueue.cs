namespace Tusk.Kubernetes.Controller;

/// <summary>
/// Keys ("namespace/name") waiting to be reconciled, as client-go's rate-limited work queue
/// keeps them: a key is queued at most once; a key being processed is never handed to a second
/// worker (a change meanwhile queues it again once the first is done); failures are retried
/// after an exponential backoff (<see cref="BaseDelay"/> doubling up to <see cref="MaxDelay"/>)
/// that <see cref="Forget"/> resets. Like controller-runtime's priority queue, keys from
/// <see cref="Add"/> (something changed) are handed out before keys that only come back on a
/// timer (<see cref="AddAfter"/>, <see cref="AddRateLimited"/>): with hundreds of clusters
/// rechecked periodically, a spec change does not wait behind all their rechecks.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "\"work queue\" is the term every Kubernetes controller author knows")]
public sealed class WorkQueue(TimeProvider clock) : IDisposable
{
    private readonly Lock _gate = new();
    // Each key waits in at most one of the two: _urgent (a change) or _later (a timer); _queued says which.
    private readonly LinkedList<string> _urgent = new();
    private readonly LinkedList<string> _later = new();
    private readonly Dictionary<string, LinkedListNode<string>> _queued = new(StringComparer.Ordinal);
    private readonly HashSet<string> _processing = new(StringComparer.Ordinal);
    // Keys changed while being processed, and whether that change was urgent.
    private readonly Dictionary<string, bool> _dirty = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
    // Per key, when its pending timer fires: one timer per key, the earliest asked for.
    private readonly Dictionary<string, DateTimeOffset> _timers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _available = new(0);

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Keys queued and not yet taken.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _queued.Count;
            }
        }
    }

    /// <summary>Queues the key because something about it changed: ahead of every key queued by a timer.</summary>
    public void Add(string key) => Enqueue(key, urgent: true);

    private void Enqueue(string key, bool urgent)
    {
        lock (_gate)
        {
            if (_processing.Contains(key))
            {
                _dirty[key] = urgent || _dirty.GetValueOrDefault(key);
                return;
            }

            if (_queued.TryGetValue(key, out var node))
            {
                // Already waiting: a change moves a key waiting for its timer turn to the urgent end.
                if (urgent && node.List == _later)
                {
                    _later.Remove(node);
                    _urgent.AddLast(node);
                }

                return;
            }

            _queued[key] = (urgent ? _urgent : _later).AddLast(key);
        }

        _available.Release();
    }

    /// <summary>
    /// Queues the key after <paramref name="delay"/> (a periodic recheck, say), behind every
    /// changed key. A key has at most one timer, the earliest asked for: each reconcile asks for
    /// its recheck, and without this every event-driven reconcile would add one more timer, and
    /// each timer's reconcile yet another.
    /// </summary>
    public void AddAfter(string key, TimeSpan delay, CancellationToken cancel)
    {
        if (delay <= TimeSpan.Zero)
        {
            Enqueue(key, urgent: false);
            return;
        }

        var due = clock.GetUtcNow() + delay;
        lock (_gate)
        {
            if (_timers.TryGetValue(key, out var pending) && pending <= due)
            {
                return;
            }

            _timers[key] = due;
        }

        _ = Task.Delay(delay, clock, cancel).ContinueWith(
            t =>
            {
                lock (_gate)
                {
                    // A sooner timer replaced this one (and fired or will): nothing to do.
                    if (!_timers.TryGetValue(key, out var pending) || pending != due)
                    {
                        return;
                    }

                    _timers.Remove(key);
                }

                Enqueue(key, urgent: false);
            },
            cancel,
            TaskContinuationOptions.OnlyOnRanToCompletion,
            TaskScheduler.Default);
    }

    /// <summary>Queues the key again after its next backoff delay; returns that delay.</summary>
    public TimeSpan AddRateLimited(string key, CancellationToken cancel)
    {
        int failures;
        lock (_gate)
        {
            failures = _failures[key] = _failures.GetValueOrDefault(key) + 1;
        }

        var delay = Backoff(failures);
        AddAfter(key, delay, cancel);
        return delay;
    }

    /// <summary>The delay after the given number of consecutive failures.</summary>
    public TimeSpan Backoff(int failures)
    {
        var factor = Math.Pow(2, Math.Min(failures - 1, 30));
        return TimeSpan.FromTicks((long)Math.Min(BaseDelay.Ticks * factor, MaxDelay.Ticks));
    }

    /// <summary>The key succeeded: its next failure starts from the base delay again.</summary>
    public void Forget(string key)
    {
        lock (_gate)
        {
            _failures.Remove(key);
        }
    }

    /// <summary>Waits for a key and marks it as being processed; call <see cref="Done"/> after.</summary>
    public async Task<string> TakeAsync(CancellationToken cancel)
    {
        while (true)
        {
            await _available.WaitAsync(cancel);
            lock (_gate)
            {
                var node = _urgent.First ?? _later.First;
                if (node is not null)
                {
                    node.List!.Remove(node);
                    _queued.Remove(node.Value);
                    _processing.Add(node.Value);
                    return node.Value;
                }
            }
        }
    }

    public void Done(string key)
    {
        bool again, urgent;
        lock (_gate)
        {
            _processing.Remove(key);
            again = _dirty.Remove(key, out urgent);
        }

        if (again)
        {
            Enqueue(key, urgent);
        }
    }

    public void Dispose() => _available.Dispose();
}
