using System.Globalization;
using System.Text.Json.Nodes;
using Npgsql;
using Tusk.Api;
using Tusk.Planning;
using Tusk.Planning.Backups;
using Tusk.Runtime.Local.Backups;
using Tusk.Runtime.Local.Clients;

namespace Tusk.Runtime.Local;

/// <summary>The cluster's backups, restores and clones (pgBackRest); the rest of its life is in LocalCluster.cs.</summary>
public sealed partial class LocalCluster
{
    // How long each member's Patroni and restore logs were when the restore began, so a failed
    // attempt's lines do not fail its retry (in memory: an agent that restarts during a restore
    // reads the whole tail again).
    private Dictionary<string, long> _logLengthsAtRestore = new(StringComparer.Ordinal);

    /// <summary>On the primary, once per cycle: the stanza, archiving's health, due schedules, and a fresh `info` now and then.</summary>
    private async Task<string?> ObserveBackupsAsync(LocalMember leader, NpgsqlConnection connection, List<string> outcomes, CancellationToken cancel)
    {
        if (Plan.Backups is not { } backups || State.Restore is not null)
        {
            return null;
        }

        await _backups.EnsureStanzaAsync(backups, leader, connection, outcomes, cancel);
        if (State.StanzaHash is null)
        {
            return null;
        }

        var archiveError = await _backups.ArchiveErrorAsync(leader, connection, cancel);
        _backups.RunSchedules(backups, leader, outcomes);
        await _backups.InfoAsync(leader, cancel);
        return archiveError;
    }

    /// <summary>Starts a backup now (`tusk backup`): from the primary, to the given repository (default: spec.backups.pgbackrest.manual's, else the first).</summary>
    public (bool Ok, string Message, string? JobId) StartBackup(string? repoName, string? type)
    {
        if (Plan.Backups is not { } backups)
        {
            return (false, $"{Plan.Name} has no backup repository; add spec.backups.pgbackrest.repos (e.g. [{{name: repo1}}]) and apply", null);
        }

        if (FindRepo(backups, repoName) is not { } repo)
        {
            return (false, NotARepo(backups, repoName), null);
        }

        type ??= backups.ManualType;
        if (type is not ("full" or "diff" or "incr"))
        {
            return (false, $"\"{type}\" is not a backup type; use full, diff or incr", null);
        }

        var leader = _members.FirstOrDefault(m => m.Name == Status?.Primary);
        if (leader is null || State.StanzaHash is null || State.Restore is not null)
        {
            return (false, $"{Plan.Name} cannot take a backup yet: {(State.Restore is not null ? "a restore is in progress" : leader is null ? "it has no primary" : "its pgBackRest stanza is not created yet")}; wait until `tusk describe cluster {Plan.Name}` shows it Ready", null);
        }

        var job = _backups.Start(leader, repo, type, "manual", out var message);
        return (job is not null, message, job?.Id);
    }

    /// <summary>The repository a command names, else spec.backups.pgbackrest.manual's, else the first.</summary>
    private static RepoPlan? FindRepo(BackupPlan backups, string? repoName) => backups.Repo(repoName ?? backups.ManualRepo);

    private string NotARepo(BackupPlan backups, string? repoName) =>
        $"\"{repoName}\" is not a repository of {Plan.Name}; it has {string.Join(", ", backups.Repos.Select(r => r.Name))}";

    /// <summary>Every backup in every repository (`tusk get backups`).</summary>
    public async Task<(IReadOnlyList<BackupRecord>? Backups, string Message)> ListBackupsAsync(CancellationToken cancel)
    {
        if (Plan.Backups is null)
        {
            return (null, $"{Plan.Name} has no backup repository; add spec.backups.pgbackrest.repos and apply");
        }

        var member = _members.FirstOrDefault(m => m.Name == Status?.Primary) ?? _members.FirstOrDefault();
        var backups = member is null ? null : await _backups.InfoAsync(member, cancel, fresh: true);
        return backups is null
            ? (null, $"pgBackRest could not read the repositories of {Plan.Name}; see {member?.PatroniLog}")
            : ([.. backups.OrderBy(b => b.StartedAt)], "");
    }

    /// <summary>The repository directory of a repoN, for a clone reading this cluster's backups.</summary>
    public string? RepoPath(string? repoName) =>
        Plan.Backups is { } backups && backups.Repo(repoName ?? backups.Repos[0].Name) is { } repo ? _backups.RepoPath(repo) : null;

    /// <summary>
    /// A new cluster made from <paramref name="repoPath"/> (another cluster's repository): its
    /// members bootstrap by restoring, then run with this cluster's own ports, certificates,
    /// passwords and repository.
    /// </summary>
    public void BeginClone(string repoPath)
    {
        if (State.Bootstrapped || State.Restore is not null || Plan.CloneFrom is not { } clone)
        {
            return;
        }

        var now = _clock.GetUtcNow();
        State.Restore = new PendingRestore(repoPath, clone.Target, now, []);
        State.LastRestore = new RestoreStatus($"clone of {clone.Namespace}/{clone.Cluster} to {clone.Target.Description}", RestorePhases.Running, now);
        SaveState();
    }

    /// <summary>
    /// Restore in place: make sure the newest WAL is archived (unless the target is a backup),
    /// pause Patroni, stop PostgreSQL, set the data directories aside, and restore one member
    /// (LocalCluster.InPlaceRestore.cs); the replicas are then copied from the restored primary.
    /// When Patroni cannot be paused (it is not running), every process stops, the cluster is
    /// forgotten in etcd and Patroni bootstraps it again from the repository. The timeline moves
    /// forward. Refused without <paramref name="confirmed"/>: every change after the target is discarded.
    /// </summary>
    public async Task<(bool Ok, string Message)> RestoreAsync(RestoreTarget target, string? repoName, bool confirmed, List<string> outcomes, CancellationToken cancel)
    {
        if (Plan.Backups is not { } backups)
        {
            return (false, $"{Plan.Name} has no backup repository to restore from; add spec.backups.pgbackrest.repos");
        }

        if (FindRepo(backups, repoName) is not { } repo)
        {
            return (false, NotARepo(backups, repoName));
        }

        // A failed restore may be retried with another target; one still running may not.
        if (Restoring || _backups.Running is not null)
        {
            return (false, Restoring ? "a restore is already in progress" : "a backup is running; wait for it to finish (`tusk describe cluster` shows it)");
        }

        var failed = State.Restore; // not null only when a failed restore is retried
        var (records, message) = await ListBackupsAsync(cancel);
        var usable = records?.Where(b => b.Repo == repo.Name).ToList() ?? [];
        if (records is null || usable.Count == 0)
        {
            return (false, records is null ? message : $"{repo.Name} holds no backup of {Plan.Name} yet; take one with `tusk backup {Plan.Name} --wait`");
        }

        if (target.NoBackupToStartFrom(usable) is { } unreachable)
        {
            return (false, $"{repo.Name}: {unreachable}");
        }

        target = target.WithWalFetchFor(usable);
        var members = _members.Count;
        if (!confirmed)
        {
            return (false, $"restoring {Plan.Name} to {target.Description} stops it, discards every change made after that on all {members} members, and moves the timeline forward; run again with --yes to do it");
        }

        var restorer = InPlaceRestoreMember(failed);
        if (restorer is not null)
        {
            // The copy needs nothing stopped: it runs while the cluster still serves (and while
            // the WAL is archived, Patroni paused and PostgreSQL stopped), so it is not downtime.
            _backups.PrepareRestore(backups.Global, _members, _backups.RepoPath(repo));
            StartPgBackRest(restorer, target);
        }

        if (!target.Options.Contains("--type=immediate"))
        {
            await ArchiveLatestWalAsync(outcomes, cancel); // a backup's own WAL is archived before the backup ends
        }

        if (restorer is not null && await PausePatroniAsync(cancel))
        {
            await StopPostgresForRestoreAsync(outcomes, cancel);
        }
        else
        {
            // No Patroni to pause (or nothing to start PostgreSQL like Patroni would): Patroni's bootstrap restores.
            if (restorer is not null)
            {
                await StopPgBackRestAsync(restorer);
                DeleteIfExists(restorer.RestoreStagingDirectory);
                restorer = null;
            }

            await StopProcessesAsync(outcomes, immediately: true);
            await Etcd.DeletePrefixAsync(PatroniKey(""), cancel);
        }

        var now = _clock.GetUtcNow();
        var stamp = now.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var aside = new List<string>(failed?.SetAside ?? []);
        foreach (var member in _members)
        {
            if (failed is not null)
            {
                // What a failed attempt restored is worth nothing; the data from before it stays set aside.
                DeleteIfExists(member.DataDirectory);
                DeleteIfExists(member.DataDirectory + ".failed");
            }
            else if (System.IO.Directory.Exists(member.DataDirectory))
            {
                var path = $"{member.DataDirectory}.before-restore-{stamp}";
                System.IO.Directory.Move(member.DataDirectory, path);
                aside.Add(path);
            }
        }

        State.Restore = new PendingRestore(_backups.RepoPath(repo), target, now, aside, restorer?.Name);
        MarkLogsAtRestoreStart();
        (_pauseEnded, _patroniRestarted, _handover) = (false, false, null);
        State.LastRestore = new RestoreStatus(target.Description, RestorePhases.Running, now);
        // The restored database is as it was at the target: users and roles are checked again.
        // The stanza stays: it lives in the repository, and the system identifier is the same.
        (State.Bootstrapped, State.AppliedUsersHash, State.AppliedDynamicConfigHash, State.AppliedDynamicConfig) = (false, null, null, null);
        (State.AppliedPgBouncerAuthHash, State.AppliedMonitorHash) = (null, null);
        SaveState();
        if (Status is { } status)
        {
            SetStatus(status); // a waiting CLI must not read the last restore's outcome as this one's
        }

        _patroniDownSince.Clear();
        _stuckSince.Clear();
        _prepared = false;
        var text = $"restoring {Plan.Name} from {repo.Name} to {target.Description}; the replicas are rebuilt from the restored primary";
        outcomes.Add(text);
        return (true, text);
    }

    /// <summary>A restore's failure is judged only on what Patroni and PostgreSQL log after it begins.</summary>
    private void MarkLogsAtRestoreStart() =>
        _logLengthsAtRestore = _members.SelectMany(m => new[] { m.PatroniLog, m.RestoreLog }).ToDictionary(log => log, log => File.Exists(log) ? new FileInfo(log).Length : 0, StringComparer.Ordinal);

    /// <summary>
    /// Deletes, in the background, the data directories a restore set aside, once no restore
    /// needs them (State.Restore keeps them while one is pending or has failed) and the cluster
    /// is Ready again: deleting a large directory takes longer than the restore's last step, and
    /// done sooner it would compete for the disk with the replicas' base backups. An agent that
    /// stops halfway leaves the rest to the next one, which looks once after it starts.
    /// </summary>
    private void SweepSetAsideDirectories()
    {
        if (!_sweepPending || State.Restore is not null || Status?.Phase != ClusterPhases.Ready)
        {
            return;
        }

        _sweepPending = false;
        var leftovers = _members
            .Where(m => System.IO.Directory.Exists(m.Directory))
            .SelectMany(m => System.IO.Directory.EnumerateDirectories(m.Directory, Path.GetFileName(m.DataDirectory) + ".before-restore-*")
                .Concat(System.IO.Directory.EnumerateDirectories(m.Directory, "*.deleting-*")) // an agent stopped while it deleted
                .Append(m.RestoreStagingDirectory)) // left by an agent that stopped while it gave up a restore in place
            .Where(System.IO.Directory.Exists)
            .ToList();
        if (leftovers.Count > 0)
        {
            _ = Task.Run(() =>
            {
                foreach (var path in leftovers)
                {
                    try
                    {
                        DeleteIfExists(path);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        // Gone already (the cluster was purged) or not ours to delete: left for the next agent.
                    }
                }
            });
        }
    }

    /// <summary>
    /// Renamed first, then deleted: a paused Patroni may save its configuration into a data
    /// directory while it is deleted, and the deletion then fails ("Directory not empty"); the
    /// rename is atomic, and nothing writes into the new name.
    /// </summary>
    private static void DeleteIfExists(string directory)
    {
        if (System.IO.Directory.Exists(directory))
        {
            var doomed = $"{directory}.deleting-{Guid.NewGuid():N}";
            System.IO.Directory.Move(directory, doomed);
            System.IO.Directory.Delete(doomed, recursive: true);
        }
    }

    /// <summary>Commits, switches WAL on the primary and waits (up to 30 s) until that segment is in the repository, so a restore or a clone can reach the last moment before it.</summary>
    public async Task ArchiveLatestWalAsync(List<string> outcomes, CancellationToken cancel)
    {
        var leader = _members.FirstOrDefault(m => m.Name == Status?.Primary);
        if (leader is null)
        {
            return;
        }

        try
        {
            await using var connection = await PostgresConnections.OpenAsync(PostgresConnections.ConnectionString(leader.PostgresPort, ClusterPlan.Superuser, _secrets!.Superuser, CaFile(leader)), cancel);
            // Recovery knows it has passed a target time only when it meets a commit made after it:
            // on an idle cluster there is none, and PostgreSQL would refuse to end recovery. A
            // transaction with an xid commits now, after any target the user can name.
            await using (var commit = new NpgsqlCommand("SELECT pg_current_xact_id()", connection))
            {
                await commit.ExecuteScalarAsync(cancel);
            }

            await using var switchWal = new NpgsqlCommand("SELECT pg_walfile_name(pg_switch_wal())", connection);
            var segment = (string)(await switchWal.ExecuteScalarAsync(cancel))!;
            var deadline = _clock.GetUtcNow() + TimeSpan.FromSeconds(30);
            while (_clock.GetUtcNow() < deadline)
            {
                await using var archived = new NpgsqlCommand("SELECT coalesce(last_archived_wal, '') >= $1 FROM pg_stat_archiver", connection);
                archived.Parameters.AddWithValue(segment);
                if (await archived.ExecuteScalarAsync(cancel) is true)
                {
                    return;
                }

                await Task.Delay(100, cancel);
            }

            outcomes.Add($"WAL segment {segment} was not archived within 30 s; the restore can reach only what the repository holds");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
        {
            outcomes.Add($"could not switch WAL before restoring ({e.Message}); the restore can reach only what the repository holds");
        }
    }

    /// <summary>
    /// A restoring member's recovery pauses at its target (RestoreTarget.RecoverySettings);
    /// resuming it ends recovery and promotes. Patroni's custom bootstrap lets the superuser in
    /// without a password while it runs, which is how the agent reaches that member.
    /// </summary>
    private async Task ResumeRecoveryAtTargetAsync(List<string> outcomes, CancellationToken cancel)
    {
        foreach (var member in _members.Where(m => File.Exists(Path.Combine(m.DataDirectory, "postmaster.pid"))))
        {
            try
            {
                await using var connection = await PostgresConnections.OpenAsync(PostgresConnections.ConnectionString(member.PostgresPort, ClusterPlan.Superuser, _secrets!.Superuser, CaFile(member)), cancel);
                await using var paused = new NpgsqlCommand("SELECT pg_is_in_recovery() AND pg_get_wal_replay_pause_state() = 'paused'", connection);
                if (await paused.ExecuteScalarAsync(cancel) is true)
                {
                    await using var resume = new NpgsqlCommand("SELECT pg_wal_replay_resume()", connection);
                    await resume.ExecuteNonQueryAsync(cancel);
                    outcomes.Add($"{member.Name} reached the restore target; recovery ends and it is promoted");
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
            {
                // Not accepting connections yet (still restoring or replaying): the next cycle asks again.
            }
        }
    }

    /// <summary>
    /// While a restore bootstraps, Patroni checks whether recovery has reached its target only
    /// once per loop_wait (10 s by default), and marks itself running only on the loop after it
    /// took the lock. Once a second until the agent sees a running leader, it brings that loop
    /// forward: before the lock is taken by writing the DCS status key, which wakes members when
    /// nobody leads (optime 0: it claims no position; the new leader overwrites it), and after
    /// by a no-op PATCH of the configuration the new leader has just written.
    /// </summary>
    private async Task WakeBootstrapAsync(string? leaderKey, CancellationToken cancel)
    {
        var now = _clock.GetUtcNow();
        if (now - _lastNudge < TimeSpan.FromSeconds(1))
        {
            return;
        }

        _lastNudge = now;
        if (leaderKey is not null && _members.FirstOrDefault(m => m.Name == leaderKey) is { } leader)
        {
            // The restored primary has taken the lock; its next loop marks it running, and a
            // no-op PATCH of the (now written) configuration brings that loop forward.
            await Patroni.PatchConfigAsync(leader.RestPort, new JsonObject { ["ttl"] = Plan.Timings.Ttl }, cancel);
            return;
        }

        try
        {
            await Etcd.PutAsync(PatroniKey("status"), $"{{\"optime\":0,\"tusk_wake\":\"{now.ToUnixTimeMilliseconds()}\"}}", cancel);
        }
        catch (Exception e) when (Transient.Is(e, cancel))
        {
            // etcd is down: Patroni cannot bootstrap either, and the next cycle tries again.
        }
    }

    /// <summary>
    /// The restored primary leads and takes writes: the members' configuration returns to
    /// initdb, and the set-aside directories go once the cluster is Ready.
    /// </summary>
    /// <param name="timeline">The leader's timeline, as PostgreSQL itself says.</param>
    private void FinishRestore(PendingRestore restore, string leader, int? timeline, List<string> outcomes)
    {
        _sweepPending = true;
        State.Restore = null;
        State.LastRestore = (State.LastRestore ?? new RestoreStatus(restore.Target.Description, RestorePhases.Running, restore.StartedAt)) with
        {
            Phase = restore.Aborting ? RestorePhases.Aborted : RestorePhases.Succeeded,
            CompletedAt = _clock.GetUtcNow(),
            Message = restore.Aborting ? $"the data from before the restore is back: {leader} runs on timeline {timeline}" : $"{leader} runs on timeline {timeline}",
            Timeline = timeline,
        };
        foreach (var member in _members)
        {
            File.Delete(member.PgBackRestRestoreConfig);
        }

        _prepared = false;
        SaveState();
        outcomes.Add(restore.Aborting
            ? $"aborted the restore of {Plan.Name} to {restore.Target.Description}: {leader} leads on the data from before it, on timeline {timeline}"
            : $"restored {Plan.Name} to {restore.Target.Description}: {leader} leads on timeline {timeline}");
    }

    /// <summary>
    /// The timeline the primary writes WAL on, from the name of its current WAL file. Patroni's
    /// view lags a promotion: it learns the new timeline from the history key its next loop
    /// writes, and until then shows none or the one before (seen here in 5 of 14 restores).
    /// </summary>
    /// <returns>Null while it still recovers (it has no current WAL file of its own then).</returns>
    private static async Task<int?> CurrentTimelineAsync(NpgsqlConnection connection, CancellationToken cancel)
    {
        await using var command = new NpgsqlCommand("SELECT CASE WHEN NOT pg_is_in_recovery() THEN pg_walfile_name(pg_current_wal_lsn()) END", connection);
        return await command.ExecuteScalarAsync(cancel) is string walFile
            ? int.Parse(walFile[..8], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : null;
    }
}
