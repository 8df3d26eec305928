namespace Tusk.Runtime.Local;

/// <summary>
/// Counts the changes of a cluster's published status and lets a reader wait for the next one:
/// what lets a CLI's `--wait` return the moment the agent publishes, instead of up to a poll
/// interval later and without asking twenty times a second while nothing changes.
/// </summary>
public sealed class StatusChanges
{
    private readonly Lock _lock = new();

    /// <summary>
    /// Starts anywhere in 2^40: a reader's tag from an earlier agent process (a `--wait` that
    /// outlived an agent restart) then does not match this one's version by chance, which would
    /// leave the reader with the old status until the next change.
    /// </summary>
    private long _version = Random.Shared.NextInt64(1L << 40);
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long Version
    {
        get
        {
            lock (_lock)
            {
                return _version;
            }
        }
    }

    /// <summary>The status has changed: the version moves on and every waiting reader wakes.</summary>
    public void Changed()
    {
        TaskCompletionSource woken;
        lock (_lock)
        {
            _version++;
            (woken, _next) = (_next, new(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        woken.SetResult();
    }

    /// <summary>Waits until the version is no longer <paramref name="seen"/>, at most <paramref name="wait"/>; returns the version then.</summary>
    public async Task<long> WaitForChangeAsync(long seen, TimeSpan wait, TimeProvider clock, CancellationToken cancel)
    {
        Task next;
        lock (_lock)
        {
            if (_version != seen)
            {
                return _version;
            }

            next = _next.Task;
        }

        try
        {
            await next.WaitAsync(wait, clock, cancel);
        }
        catch (TimeoutException)
        {
            // Nothing changed in time: the reader gets the version it has.
        }

        return Version;
    }
}
