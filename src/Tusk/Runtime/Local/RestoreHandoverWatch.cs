namespace Tusk.Runtime.Local;

/// <summary>
/// Watches the member a restore in place recovers, between the agent's cycles, and closes the
/// two waits at its end (measured here: 0.05–0.1 s each on every restore):
/// <list type="number">
/// <item>every 10 ms it asks whether PostgreSQL has been promoted at the target; then it wakes the
/// member's paused Patroni (any PATCH of its configuration runs Patroni's loop now, rather than
/// up to loop_wait away), so the loop that takes the leader key starts at once; again every
/// 250 ms until the key names the member;</item>
/// <item>every 20 ms after the promotion it reads the leader key; once the key names the member
/// it wakes the agent's loop, which ends the pause and finishes the restore.</item>
/// </list>
/// It ends then, when PostgreSQL is no longer running (the agent's cycle reports why), or when
/// <c>cancel</c> ends it (the agent stops).
/// </summary>
/// <param name="member">The restored member's name, as the leader key holds it.</param>
/// <param name="promoted">Whether the member's PostgreSQL runs as a primary (its own files tell).</param>
/// <param name="running">Whether the member's PostgreSQL still runs.</param>
public sealed class RestoreHandoverWatch(
    string member,
    Func<bool> promoted,
    Func<bool> running,
    Func<CancellationToken, Task> wakePatroni,
    Func<CancellationToken, Task<string?>> readLeaderKey,
    Action wakeAgent,
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

                if (await readLeaderKey(cancel) == member)
                {
                    wakeAgent();
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
