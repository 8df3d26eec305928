using Tusk.Api;
using Tusk.Runtime.Local.Processes;

namespace Tusk.Runtime.Local;

/// <summary>
/// `tusk restore CLUSTER --abort`: gives up a restore in place, failed or still running, and
/// brings back the data from before it. Patroni stays paused throughout, so it starts nothing:
/// pgBackRest and the restored PostgreSQL stop, every member's set-aside data directory moves
/// back into place, and the former primary's PostgreSQL starts with the arguments Patroni last
/// gave it. From there the handover is the restore's own (LocalCluster.InPlaceRestore.cs): its
/// Patroni adopts the running primary and takes the leader key, the pause ends, and the replicas'
/// Patroni start them on their own data, so nothing is copied again. Only what the restore itself
/// produced is deleted.
/// </summary>
public sealed partial class LocalCluster
{
    public async Task<(bool Ok, string Message)> AbortRestoreAsync(List<string> outcomes, CancellationToken cancel)
    {
        if (State.Restore is not { } restore)
        {
            return (false, $"{Plan.Name} has no restore to abort{(State.LastRestore is { } last ? $" (its last restore, to {last.Target}: {last.Phase})" : "")}");
        }

        if (restore.Member is null || _members.FirstOrDefault(m => m.Name == restore.Member) is not { } restorer)
        {
            return (false, Plan.CloneFrom is not null
                ? $"{Plan.Name} is a clone and has no data from before to go back to; delete it with `tusk delete cluster {Plan.Name}`"
                : $"this restore of {Plan.Name} runs through Patroni's bootstrap (Patroni was not running, so it could not be paused), which --abort cannot undo; the data from before it is kept in {string.Join(", ", restore.SetAside)}");
        }

        // Once promoted, the restored server has started a timeline of its own (and archived its
        // history file): it is the cluster's now, and the restore is finishing.
        if (_pauseEnded || (restore is { Recovering: true, Aborting: false } && PostmasterFiles.RunsAsPrimary(restorer.DataDirectory)))
        {
            return (false, $"the restored primary of {Plan.Name} has been promoted and the restore is finishing (`tusk describe cluster {Plan.Name}`); restore again to go back");
        }

        // Each member's data from before: set aside, or already back in place when an abort is retried.
        var before = _members.ToDictionary(
            m => m.Name,
            m => restore.SetAside.FirstOrDefault(p => p.StartsWith(m.DataDirectory + ".before-restore-", StringComparison.Ordinal) && System.IO.Directory.Exists(p)) ?? (restore.Aborting ? m.DataDirectory : null),
            StringComparer.Ordinal);
        var (primary, arguments) = _members
            .Select(m => (Member: m, Arguments: before[m.Name] is { } data && PostmasterFiles.InProduction(data) ? PostmasterFiles.LastStartArguments(data) : null))
            .FirstOrDefault(c => c.Arguments is not null);
        if (primary is null || arguments is null)
        {
            return (false, $"no member's data from before the restore is a primary's that PostgreSQL has run on ({string.Join(", ", before.Values.OfType<string>().DefaultIfEmpty("none is left"))}), so there is nothing to go back to; run `tusk restore {Plan.Name}` again with another target");
        }

        await StopPgBackRestAsync(restorer);
        DeleteIfExists(restorer.RestoreStagingDirectory);
        if ((await ShutDownImmediatelyAsync([(restorer, restorer.RestorePidFile)], cancel)).Count > 0)
        {
            outcomes.Add($"stopped the restored PostgreSQL on {restorer.Name}");
        }

        if (_handover is not null)
        {
            await _handover; // it ends within 10 ms of its PostgreSQL
            _handover = null;
        }

        foreach (var member in _members.Where(m => before[m.Name] is { } data && data != m.DataDirectory))
        {
            DeleteIfExists(member.DataDirectory);
            System.IO.Directory.Move(before[member.Name]!, member.DataDirectory);
            outcomes.Add($"moved {member.Name}'s data from before the restore back into place");
        }

        MarkLogsAtRestoreStart();
        (_pauseEnded, _patroniRestarted) = (false, false);
        State.LastRestore = State.LastRestore! with { Phase = RestorePhases.Running, CompletedAt = null, Message = $"aborted: {primary.Name} starts on the data from before the restore" };
        // The next cycle starts the handover watch, on the agent's own cancellation rather than this request's.
        StartPostgresForHandover(primary, arguments, restore with { Member = primary.Name, SetAside = [], Aborting = true });
        if (Status is { } status)
        {
            SetStatus(status);
        }

        var text = $"aborting the restore of {Plan.Name} to {restore.Target.Description}: the data from before it is back in place and {primary.Name}, its primary, starts on it";
        outcomes.Add(text);
        return (true, text);
    }
}
