namespace Tusk.Runtime.Local;

/// <summary>
/// Watches the member a restore in place recovers, between the agent's cycles, and closes the
/// waits at its end (measured here: up to 0.9 s for the first, 0.05–0.1 s each for the others):
/// <list type="number">
/// <item>once the restored postmaster has written its pid file, Patroni sees a PostgreSQL running,
/// and the watch wakes its loop once. That loop's first query uses the connection Patroni still
/// holds to the server the restore stopped; it fails, and Patroni 3.0.2 sleeps 0.1–0.9 s in its
/// retry before it connects again (Retry in utils.py). Only Patroni's own start closes that
/// connection first, and here the agent starts PostgreSQL. Woken now, the loop spends that sleep
/// while PostgreSQL recovers; woken only at the promotion, it spent it after (seen here: the
/// leader key 0.2–0.7 s after "ready", against about 0.15 s for a loop that connects at once).</item>
/// <item>every 10 ms it asks whether PostgreSQL has been promoted at the target; then it wakes the
/// member's paused Patroni (any PATCH of its configuration runs Patroni's loop now, rather than
/// up to loop_wait away), so the loop that takes the leader key starts at once; again every
/// 250 ms until the key names the member;</item>
/// <item>every 20 ms after the promotion it reads the leader key, and ends once the key names the
/// member.</item>
/// </list>
/// It also ends when PostgreSQL is no longer running, or when <c>cancel</c> ends it (the agent
/// stops). Whoever starts it wakes the agent once it has ended (not from inside: a cycle woken
/// before the task completes would still see the watch running, and wait a whole tick).
/// </summary>
/// <param name="member">The restored member's name, as the leader key holds it.</param>
/// <param name="started">Whether the member's postmaster has written its pid file, where Patroni looks.</param>
/// <param name="promoted">Whether the member's PostgreSQL runs as a primary (its own files tell).</param>
/// <param name="running">Whether the member's PostgreSQL still runs.</param>
public sealed class RestoreHandoverWatch(
    string member,
    Func<bool> started,
    Func<bool> promoted,
    Func<bool> running,
    Func<CancellationToken, Task> wakePatroni,
    Func<CancellationToken, Task<string?>> readLeaderKey,
    TimeProvider clock)
{
    private static readonly TimeSpan PromotionPoll = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan KeyPoll = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan WakeAgain = TimeSpan.FromMilliseconds(250);

    /// <returns>Whether the member took the leader key while watched.</returns>
    public async Task<bool> RunAsync(CancellationToken cancel)
    {
        try
        {
            var wokenAtStart = false;
            while (!promoted())
            {
                if (!running())
                {
                    return false;
                }

                if (!wokenAtStart && started())
                {
                    wokenAtStart = true;
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

                if (await readLeaderKey(cancel) == member)
                {
                    return true;
                }

                await Task.Delay(KeyPoll, clock, cancel);
            }

            return false;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return false;
        }
    }
}
