using Tusk.Runtime.Local.Processes;

namespace Tusk.Runtime.Local;

/// <summary>
/// Watches the members while Patroni switches over, and closes the waits that otherwise make
/// most of the write gap. Patroni 3.0.2 releases the old primary's leader key only at its next
/// once-a-second poll of pg_controldata after PostgreSQL shut down (up to a second with no
/// primary: `STOP_POLLING_INTERVAL` in patroni/postgresql/__init__.py), and HAProxy follows the
/// roles only at its next checks. Every 10 ms the watch reads PostgreSQL's own files:
/// <list type="number">
/// <item>once the old primary's postmaster is shutting down, HAProxy marks it down (the shutdown
/// ends its sessions anyway; until then it kept taking writes);</item>
/// <item>once that postmaster has exited after a clean shutdown, the leader key is released if it
/// still names the old primary. Patroni does the same after that shutdown (it releases the key
/// then whether or not its poll saw the state), only later; and every connected replica has the
/// shutdown checkpoint by then, because walsenders wait for it before the postmaster exits;</item>
/// <item>once another member's postmaster says "ready" (promoted: a replica says "standby"),
/// HAProxy marks it up.</item>
/// </list>
/// </summary>
/// <param name="oldPrimary">The primary being switched over away from: its name and data directory.</param>
/// <param name="others">The other members: where the new primary will appear.</param>
public sealed class SwitchoverWatch(
    (string Name, string DataDirectory) oldPrimary,
    IReadOnlyList<(string Name, string DataDirectory)> others,
    Func<string, bool, CancellationToken, Task> setHealth,
    Func<CancellationToken, Task<bool>> releaseLeaderKey)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);

    /// <summary>Runs until the new primary is marked up or <paramref name="cancel"/> ends it; says what it did.</summary>
    public async Task<string?> RunAsync(CancellationToken cancel)
    {
        var pidFile = PidFile(oldPrimary.DataDirectory);
        var (markedDown, released) = (false, false);
        try
        {
            while (!released)
            {
                var running = ProcessProbe.ReadPidFile(pidFile) is { } pid && ProcessProbe.IsAlive(pid);
                if (!markedDown && (!running || PostmasterFiles.Status(pidFile) == "stopping"))
                {
                    await setHealth(oldPrimary.Name, false, cancel);
                    markedDown = true;
                }

                if (!running && PostmasterFiles.ShutDownCleanly(oldPrimary.DataDirectory))
                {
                    released = await releaseLeaderKey(cancel);
                    if (!released)
                    {
                        return null; // the key names someone else already: Patroni has moved on
                    }
                }
                else
                {
                    await Task.Delay(Poll, cancel);
                }
            }

            while (true)
            {
                if (others.FirstOrDefault(m => PostmasterFiles.Status(PidFile(m.DataDirectory)) == "ready") is { Name: { } promoted })
                {
                    await setHealth(promoted, true, cancel);
                    return $"released {oldPrimary.Name}'s leader key as soon as its PostgreSQL had shut down cleanly and routed the primary endpoint to {promoted} as soon as it was promoted, without waiting for Patroni's next poll and HAProxy's next check";
                }

                await Task.Delay(Poll, cancel);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return released ? $"released {oldPrimary.Name}'s leader key as soon as its PostgreSQL had shut down cleanly" : null;
        }
    }

    private static string PidFile(string dataDirectory) => Path.Combine(dataDirectory, "postmaster.pid");
}
