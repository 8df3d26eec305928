namespace Tusk.Kubernetes.Controller;

/// <summary>
/// Keys ("namespace/name") waiting to be reconciled, as client-go's rate-limited work queue
/// keeps them: a key is queued at most once; a key being processed is never handed to a second
/// worker (a change meanwhile queues it again once the first is done); failures are retried
/// after an exponential backoff (<see cref="BaseDelay"/> doubling up to <see cref="MaxDelay"/>)
/// that <see cref="Forget"/> resets.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "\"work queue\" is the term every Kubernetes controller author knows")]
public sealed class WorkQueue(TimeProvider clock) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Queue<string> _queue = new();
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
    private readonly HashSet<string> _processing = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
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
                return _queue.Count;
            }
        }
    }

    public void Add(string key)
    {
        lock (_gate)
        {
            if (_processing.Contains(key))
            {
                _dirty.Add(key);
                return;
            }

            if (!_queued.Add(key))
            {
                return;
            }

            _queue.Enqueue(key);
        }

        _available.Release();
    }

    /// <summary>Queues the key after <paramref name="delay"/> (a periodic recheck, say).</summary>
    public void AddAfter(string key, TimeSpan delay, CancellationToken cancel)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        _ = Task.Delay(delay, clock, cancel).ContinueWith(t => Add(key), cancel, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
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
                if (_queue.TryDequeue(out var key))
                {
                    _queued.Remove(key);
                    _processing.Add(key);
                    return key;
                }
            }
        }
    }

    public void Done(string key)
    {
        bool again;
        lock (_gate)
        {
            _processing.Remove(key);
            again = _dirty.Remove(key);
        }

        if (again)
        {
            Add(key);
        }
    }

    public void Dispose() => _available.Dispose();
}
