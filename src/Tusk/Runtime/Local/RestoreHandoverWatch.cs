namespace Tusk.Runtime.Local;

/// <summary>
/// Watches the member a restore in place recovers, between the agent's cycles, and closes the
/// waits at its end:
/// <list type="number">
/// <item>every 10 ms it asks whether PostgreSQL has been promoted at the target; then it wakes the
/// member's paused Patroni (any PATCH of its configuration runs Patroni's loop now, rather than
/// up to loop_wait away), so the loop that takes the leader key starts at once; again every
/// 250 ms until the member leads. Not before the promotion: a loop that finds PostgreSQL
/// still starting up ("the database system is starting up") sleeps 0.1–0.9 s in Patroni
/// 3.0.2's Retry (utils.py) before it asks again, and that sleep outlasted the promotion in
/// half the restores measured here (the leader key up to 0.9 s after it).</item>
/// <item>every 20 ms after the promotion it asks etcd whether the member leads as the agent's cycle
/// sees it: the leader key names it and its member key says "running". Patroni writes the member
/// key at the end of its loop, about 0.1 s after the leader key; a cycle woken by the key alone
/// could find the member not yet running, and wait a whole tick (seen here: 0.35–0.43 s from
/// "ready" to Ready instead of 0.14 s).</item>
/// </list>
/// It also ends when PostgreSQL is no longer running, or when <c>cancel</c> ends it (the agent
/// stops). Whoever starts it wakes the agent once it has ended (not from inside: a cycle woken
/// before the task completes would still see the watch running, and wait a whole tick).
/// </summary>
/// <param name="promoted">Whether the member's PostgreSQL runs as a primary (its own files tell).</param>
/// <param name="running">Whether the member's PostgreSQL still runs.</param>
/// <param name="leads">Whether the member leads, as Patroni's keys in etcd say.</param>
public sealed class RestoreHandoverWatch(
    Func<bool> promoted,
    Func<bool> running,
    Func<CancellationToken, Task> wakePatroni,
    Func<CancellationToken, Task<bool>> leads,
    TimeProvider clock)
{
    private static readonly TimeSpan PromotionPoll = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan LeadPoll = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan WakeAgain = TimeSpan.FromMilliseconds(250);

    /// <returns>Whether the member came to lead while watched.</returns>
    public async Task<bool> RunAsync(CancellationToken cancel)
    {
        try
        {
            while (!promoted())
            {
                if (!running())
                {
                    return false;
                }

                await Task.Delay(PromotionPoll, clock, cancel);
            }

            var wokenAt = DateTimeOffset.MinValue;
            while (running())
            {
                if (clock.GetUtcNow() - wokenAt >= WakeAgain)
                {
                    wokenAt = clock.GetUtcNow();
                    await wakePatroni(cancel);
                }

                if (await leads(cancel))
                {
                    return true;
                }

                await Task.Delay(LeadPoll, clock, cancel);
            }

            return false;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return false;
        }
    }
}
