namespace Tusk.Runtime.Local;

/// <summary>
/// Watches the member a restore in place recovers, between the agent's cycles, and closes the
/// waits at its end:
/// <list type="number">
/// <item>every 10 ms it asks whether PostgreSQL accepts connections yet (read-only ones, once
/// recovery is consistent); then it wakes the member's paused Patroni once (any PATCH of its
/// configuration runs Patroni's loop now, rather than up to loop_wait away). That loop connects,
/// reads the data directory's system identifier and, paused, leaves a replica without a leader
/// alone ("no action"), so the loop at the promotion has only the leader key left to take
/// (measured here: "ready" to "leads" median 0.14 s, against 0.23 s for a loop that connects
/// at the promotion). Not earlier: a loop that finds PostgreSQL still starting up ("the
/// database system is starting up") sleeps 0.1–0.9 s in Patroni 3.0.2's Retry (utils.py)
/// before it asks again, and that sleep outlasted the promotion in half the restores measured
/// here (the leader key up to 0.9 s late).</item>
/// <item>every 10 ms it asks whether PostgreSQL has been promoted at the target; then it wakes
/// Patroni again, so the loop that takes the leader key starts at once; again every 250 ms
/// until the member leads.</item>
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
/// <param name="accepting">Whether the member's PostgreSQL accepts connections (its pid file tells).</param>
/// <param name="promoted">Whether the member's PostgreSQL runs as a primary (its own files tell).</param>
/// <param name="running">Whether the member's PostgreSQL still runs.</param>
/// <param name="leads">Whether the member leads, as Patroni's keys in etcd say.</param>
public sealed class RestoreHandoverWatch(
    Func<bool> accepting,
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
            var wokenBeforePromotion = false;
            while (!promoted())
            {
                if (!running())
                {
                    return false;
                }

                if (!wokenBeforePromotion && accepting())
                {
                    wokenBeforePromotion = true;
                    await wakePatroni(cancel);
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
