using Tusk.Kubernetes.Controller;

namespace Tusk.Tests.Kubernetes.Controller;

public sealed class WorkQueueTests
{
    [Fact]
    public async Task A_key_added_twice_before_it_is_taken_is_handed_out_once()
    {
        using var queue = new WorkQueue(TimeProvider.System);
        queue.Add("db/hippo");
        queue.Add("db/hippo");
        queue.Add("db/zebra");
        Assert.Equal(2, queue.Count);
        Assert.Equal("db/hippo", await queue.TakeAsync(CancellationToken.None));
        Assert.Equal("db/zebra", await queue.TakeAsync(CancellationToken.None));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task A_key_changed_while_it_is_processed_is_queued_again_only_when_its_worker_is_done()
    {
        using var queue = new WorkQueue(TimeProvider.System);
        queue.Add("db/hippo");
        var key = await queue.TakeAsync(CancellationToken.None);
        queue.Add("db/hippo");
        // A second worker must not get the same cluster while the first still works on it.
        Assert.Equal(0, queue.Count);
        queue.Done(key);
        Assert.Equal(1, queue.Count);
        Assert.Equal("db/hippo", await queue.TakeAsync(CancellationToken.None));
    }

    [Fact]
    public void Retries_back_off_exponentially_up_to_the_maximum()
    {
        using var queue = new WorkQueue(TimeProvider.System) { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(1) };
        Assert.Equal(
            [100, 200, 400, 800, 1000, 1000],
            Enumerable.Range(1, 6).Select(n => (int)queue.Backoff(n).TotalMilliseconds));
    }

    [Fact]
    public async Task A_failed_key_comes_back_after_its_backoff_and_forgetting_resets_it()
    {
        using var queue = new WorkQueue(TimeProvider.System) { BaseDelay = TimeSpan.FromMilliseconds(50) };
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromMilliseconds(50), queue.AddRateLimited("db/hippo", cancel.Token));
        Assert.Equal("db/hippo", await queue.TakeAsync(cancel.Token));
        queue.Done("db/hippo");
        Assert.Equal(TimeSpan.FromMilliseconds(100), queue.AddRateLimited("db/hippo", cancel.Token));
        Assert.Equal("db/hippo", await queue.TakeAsync(cancel.Token));
        queue.Done("db/hippo");
        queue.Forget("db/hippo");
        Assert.Equal(TimeSpan.FromMilliseconds(50), queue.AddRateLimited("db/hippo", cancel.Token));
    }

    [Fact]
    public async Task A_changed_key_is_handed_out_before_keys_that_came_back_on_a_timer()
    {
        using var queue = new WorkQueue(TimeProvider.System);
        queue.AddAfter("db/recheck-1", TimeSpan.Zero, CancellationToken.None);
        queue.AddAfter("db/recheck-2", TimeSpan.Zero, CancellationToken.None);
        queue.Add("db/changed");
        Assert.Equal(3, queue.Count);
        Assert.Equal("db/changed", await queue.TakeAsync(CancellationToken.None));
        Assert.Equal("db/recheck-1", await queue.TakeAsync(CancellationToken.None));
        Assert.Equal("db/recheck-2", await queue.TakeAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_change_to_a_key_waiting_for_its_recheck_moves_it_ahead_once()
    {
        using var queue = new WorkQueue(TimeProvider.System);
        queue.AddAfter("db/a", TimeSpan.Zero, CancellationToken.None);
        queue.AddAfter("db/b", TimeSpan.Zero, CancellationToken.None);
        queue.Add("db/b");
        Assert.Equal(2, queue.Count);
        Assert.Equal("db/b", await queue.TakeAsync(CancellationToken.None));
        Assert.Equal("db/a", await queue.TakeAsync(CancellationToken.None));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task A_change_while_a_key_is_processed_brings_it_back_ahead_of_rechecks()
    {
        using var queue = new WorkQueue(TimeProvider.System);
        queue.Add("db/hippo");
        var key = await queue.TakeAsync(CancellationToken.None);
        queue.AddAfter("db/zebra", TimeSpan.Zero, CancellationToken.None);
        queue.AddAfter("db/hippo", TimeSpan.Zero, CancellationToken.None);
        queue.Add("db/hippo");
        queue.Done(key);
        Assert.Equal("db/hippo", await queue.TakeAsync(CancellationToken.None));
        Assert.Equal("db/zebra", await queue.TakeAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Repeated_rechecks_of_a_key_keep_one_timer_the_earliest()
    {
        using var queue = new WorkQueue(TimeProvider.System);
        for (var i = 0; i < 5; i++)
        {
            queue.AddAfter("db/hippo", TimeSpan.FromMilliseconds(100), CancellationToken.None);
        }

        queue.AddAfter("db/hippo", TimeSpan.FromSeconds(30), CancellationToken.None);
        using var within = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal("db/hippo", await queue.TakeAsync(within.Token));
        queue.Done("db/hippo");
        // Five timers would each queue it again; one did.
        await Task.Delay(500);
        Assert.Equal(0, queue.Count);
    }
}
