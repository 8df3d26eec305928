using System.Text.Json.Nodes;
using Tusk.Api;
using Tusk.Planning.Backups;
using Tusk.Runtime.Local.Backups;
using Tusk.Runtime.Local.Clients;
using Tusk.Runtime.Local.Processes;

namespace Tusk.Runtime.Local;

/// <summary>
/// A restore in place, run by the agent while Patroni is paused (its maintenance mode), so no
/// Patroni process restarts and no bootstrap runs: PostgreSQL stops on every member, one
/// member's data directory is restored by pgBackRest and started with the arguments Patroni
/// last gave it; recovery promotes at the target, that member's Patroni adopts the running
/// primary and takes the leader key, and once the pause ends the other members copy it.
/// Patroni 3.0.2 behaves so (ha.py): paused, it neither starts nor stops PostgreSQL, drops the
/// leader key of a member whose PostgreSQL is gone, leaves an empty data directory alone, and
/// lets a running primary whose system identifier matches the cluster's take the key.
/// </summary>
public sealed partial class LocalCluster
{
    private Task<CommandResult>? _restoring;
    private Task<bool>? _handover;
    private bool _sweepPending = true; // an earlier agent may have stopped while it deleted set-aside data
    private bool _pauseEnded;
    private bool _patroniRestarted; // once per restore: see LogDiagnosis.PatroniRefusesPostmaster

    /// <summary>
    /// The member a restore in place restores: the primary, else any member PostgreSQL has run
    /// on (its postmaster.opts holds the arguments to start it with); a failed restore's retry
    /// keeps its member. Null when none qualifies: Patroni's bootstrap restores instead.
    /// </summary>
    private LocalMember? InPlaceRestoreMember(PendingRestore? failed) =>
        failed is not null
            ? _members.FirstOrDefault(m => m.Name == failed.Member)
            : _members.OrderByDescending(m => m.Name == Status?.Primary).FirstOrDefault(m => PostmasterFiles.LastStartArguments(m.DataDirectory) is not null);

    /// <summary>
    /// Pauses the cluster through every running Patroni (each PATCH also wakes that member's
    /// loop) and waits until each has seen it and finished that loop, so none starts PostgreSQL
    /// again once it stops: the REST API's "pause" is that of the cluster the HA loop loaded at
    /// the start of its cycle (Patroni 3.0.2, ha.py check_mode), so every decision from then on
    /// is paused. The loop that saw it saves the changed configuration (patroni.dynamic.json)
    /// into the data directory at its end, after applying it; a save that failed (the directory
    /// had been set aside) is tried again at the end of every loop that has data. Waiting for
    /// that save matters twice:
    /// <list type="bullet">
    /// <item>pending on another member, it landed in the directory Patroni was about to copy the
    /// new primary into once the pause ended, and the copy failed (seen in a benchmark);</item>
    /// <item>on the restored member too: a loop still querying PostgreSQL when it stops keeps
    /// retrying, with sleeps of up to 1.8 s (Retry in utils.py), for up to retry_timeout/2 (5 s),
    /// and a loop stuck so past the promotion delays the leader key by as much (seen here: 3.5 s).</item>
    /// </list>
    /// The wait (about 0.2 s) runs beside pgBackRest, which has started already.
    /// </summary>
    private async Task<bool> PausePatroniAsync(CancellationToken cancel)
    {
        var running = MembersWithPatroni().ToList();
        var client = Patroni;
        // Already paused (a failed restore retried): the configuration does not change, so nothing is saved.
        var already = (await Task.WhenAll(running.Select(m => client.IsPausedAsync(m.RestPort, cancel)))).All(paused => paused == true);
        if (running.Count == 0 || !await SetPauseAsync(client, running, paused: true, cancel))
        {
            return false;
        }

        var deadline = _clock.GetUtcNow() + TimeSpan.FromSeconds(10);
        while (_clock.GetUtcNow() < deadline)
        {
            var seen = await Task.WhenAll(running.Select(m => client.IsPausedAsync(m.RestPort, cancel)));
            if (seen.All(paused => paused == true) && (already || running.All(SavedPause)))
            {
                return true;
            }

            await Task.Delay(50, cancel);
        }

        await SetPauseAsync(client, running, paused: false, cancel);
        return false;
    }

    /// <summary>Patroni saves its configuration after each loop unless the member has no data; the saved copy says whether it has seen the pause.</summary>
    private static bool SavedPause(LocalMember member)
    {
        if (!File.Exists(Path.Combine(member.DataDirectory, "PG_VERSION")))
        {
            return true;
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(Path.Combine(member.DataDirectory, "patroni.dynamic.json")))?["pause"]?.GetValue<bool>() == true;
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    private IEnumerable<LocalMember> MembersWithPatroni() => _members.Where(m => _patroni.TryGetValue(m.Name, out var p) && p.IsAlive);

    /// <summary>Sets or ends the pause; sent to each member in turn, so each one's loop runs now rather than at its next loop_wait.</summary>
    private static async Task<bool> SetPauseAsync(PatroniClient client, IEnumerable<LocalMember> members, bool paused, CancellationToken cancel)
    {
        var ok = true;
        foreach (var member in members)
        {
            // null removes the key, which is how an unpaused cluster's configuration looks.
            ok &= (await client.PatchConfigAsync(member.RestPort, new JsonObject { ["pause"] = paused ? true : null }, cancel)).Ok;
        }

        return ok;
    }

    /// <summary>
    /// PostgreSQL's immediate shutdown on every member (their data is set aside anyway), then
    /// the keys that describe the old timeline: the leader, the synchronous standby, a pending
    /// failover and the last known position. The configuration (with the pause), the system
    /// identifier and the members stay.
    /// </summary>
    private async Task StopPostgresForRestoreAsync(List<string> outcomes, CancellationToken cancel)
    {
        foreach (var name in await ShutDownImmediatelyAsync(_members.Select(m => (m, m.PostmasterPidFile)), cancel))
        {
            outcomes.Add($"stopped PostgreSQL on {name}");
        }

        var etcd = Etcd;
        foreach (var key in new[] { "leader", "sync", "failover", "status" })
        {
            await etcd.DeletePrefixAsync(PatroniKey(key), cancel);
        }
    }

    /// <summary>
    /// One step of a restore in place per cycle: run pgBackRest in the background when it is not
    /// running (it starts with the restore; again from an empty directory when an agent
    /// restarted during it); when it has finished, move the restored directory into place, put
    /// the member's own configuration files back and start PostgreSQL; while it recovers, notice
    /// if it stops (a target the archive cannot reach). The promotion and what follows are
    /// observed like any leader (<see cref="EndPauseAfterRestoreAsync"/>).
    /// </summary>
    private async Task AdvanceInPlaceRestoreAsync(List<string> outcomes, CancellationToken cancel)
    {
        if (!Restoring || State.Restore is not { Member: { } name } restore
            || _members.FirstOrDefault(m => m.Name == name) is not { } member)
        {
            return;
        }

        var aside = restore.SetAside.FirstOrDefault(p => p.StartsWith(member.DataDirectory + ".before-restore-", StringComparison.Ordinal));
        if (restore.Recovering)
        {
            if (!RestoredPostmasterRuns(member))
            {
                FailRestore(LogDiagnosis.Explain(RestoreTail(member.RestoreLog), Plan.PostgresVersion)
                    ?? $"PostgreSQL on {name} stopped while it recovered; its log is {member.RestoreLog}", outcomes);
            }
            else if (!_pauseEnded && !_patroniRestarted && ProcessProbe.ReadPidFile(member.RestorePidFile) is { } postmaster
                && LogDiagnosis.PatroniRefusesPostmaster(RestoreTail(member.PatroniLog, 4096), postmaster))
            {
                // Paused, Patroni exits leaving PostgreSQL running; the one the next cycle starts adopts it.
                _patroniRestarted = true;
                await _patroni[name].StopAsync(TimeSpan.FromSeconds(10), cancel);
                outcomes.Add($"restarted {name}'s Patroni: it did not take the PostgreSQL the agent started (pid {postmaster}) for a postmaster, because the clock has been stepped since Patroni started");
            }
            else if (!_pauseEnded && _handover is null)
            {
                _handover = WatchHandover(member, cancel);
            }

            return;
        }

        if (_restoring is null)
        {
            // An agent that stopped during the restore leaves its pgBackRest running: it goes
            // first, or two would write into the directory.
            foreach (var pid in await StopPgBackRestAsync(member))
            {
                outcomes.Add($"stopped the pgBackRest restore (pid {pid}) an earlier agent left running; it starts again");
            }

            StartPgBackRest(member, restore.Target);
            outcomes.Add($"pgBackRest restores {name} to {restore.Target.Description} while Patroni is paused");
            return;
        }

        if (!_restoring.IsCompleted)
        {
            return;
        }

        var result = await _restoring;
        _restoring = null;
        var arguments = aside is null ? null : PostmasterFiles.LastStartArguments(aside);
        if (!result.Ok || arguments is null)
        {
            FailRestore(!result.Ok
                ? LogDiagnosis.Explain(result.Error + result.Output, Plan.PostgresVersion) ?? $"pgBackRest could not restore {name}: {result.LastWords}"
                : $"{name}'s data directory set aside before the restore has no postmaster.opts to start PostgreSQL with", outcomes);
            return;
        }

        // What is in the data directory's place now is Patroni's saved configuration at most:
        // the data was set aside. Once it is gone, Patroni cannot write there (it creates no
        // directory), so nothing comes between the removal and the move.
        DeleteIfExists(member.DataDirectory);
        System.IO.Directory.Move(member.RestoreStagingDirectory, member.DataDirectory);

        // The backup carries the configuration of whichever member took it; this member's own
        // (port, certificates, archive_command, pg_hba) is in the directory set aside.
        foreach (var file in new[] { "postgresql.conf", "postgresql.base.conf", "pg_hba.conf", "pg_ident.conf" })
        {
            if (File.Exists(Path.Combine(aside!, file)))
            {
                _account.WriteIfChanged(Path.Combine(member.DataDirectory, file), File.ReadAllText(Path.Combine(aside!, file)), Modes.PrivateFile);
            }
        }

        StartPostgresForHandover(member, arguments, restore);
        _handover = WatchHandover(member, cancel);
        outcomes.Add($"restored {name}'s data directory; PostgreSQL recovers to {restore.Target.Description} and is promoted there");
    }

    /// <summary>
    /// Starts PostgreSQL on the data now in the member's place, with the arguments Patroni last
    /// gave it (Patroni, paused, starts nothing); its output goes to restore-postgres.log.
    /// </summary>
    private void StartPostgresForHandover(LocalMember member, IReadOnlyList<string> arguments, PendingRestore restore)
    {
        _launcher.Start(new ProcessSpec($"{member.Name}-restore", $"/usr/lib/postgresql/{Plan.PostgresVersion}/bin/postgres", arguments, member.RestoreLog, member.RestorePidFile, member.Directory));
        State.Restore = restore with { Recovering = true };
        SaveState();
    }

    /// <summary>
    /// PostgreSQL's immediate shutdown (SIGQUIT) of each postmaster its pid file names that still
    /// runs, all signalled before any is waited for; one still running after 30 s is terminated.
    /// Only for data that is discarded or set aside anyway, while Patroni, paused, keeps running;
    /// its connections to the stopped servers are spent before this returns. Returns the members
    /// whose postmaster stopped.
    /// </summary>
    private async Task<IReadOnlyList<string>> ShutDownImmediatelyAsync(IEnumerable<(LocalMember Member, string PidFile)> postmasters, CancellationToken cancel)
    {
        var running = postmasters
            .Select(p => (p.Member, Pid: RunningPostmaster(p.Member, p.PidFile)))
            .Where(p => p.Pid is not null)
            .ToList();
        foreach (var (_, pid) in running)
        {
            ProcessProbe.Signal(pid!.Value, Native.SigQuit);
        }

        foreach (var (_, pid) in running)
        {
            if (!await Signals.WaitForExitAsync(pid!.Value, TimeSpan.FromSeconds(30), cancel))
            {
                await Signals.TerminateAsync(pid.Value, TimeSpan.FromSeconds(5), cancel);
            }
        }

        await DiscardPatroniConnectionsAsync(running.Select(p => p.Member), cancel);
        return [.. running.Select(p => p.Member.Name)];
    }

    /// <summary>
    /// Patroni holds one connection to its PostgreSQL, dead after an immediate shutdown; through
    /// a Unix socket psycopg2 learns so only on its second use (the first fails with "server
    /// closed the connection unexpectedly" and leaves it open; the second marks it closed; the
    /// third connects again). Were those uses the HA loop's, the second would land in Patroni's
    /// Retry, which sleeps 0.1–0.9 s (utils.py): after the restored PostgreSQL's promotion, that
    /// delayed the leader key by up to 0.9 s (measured here). Two GET / spend them now, where
    /// nothing retries, while Patroni still takes PostgreSQL for running: its REST API queries
    /// only then, and its next loop notices the shutdown.
    /// </summary>
    private async Task DiscardPatroniConnectionsAsync(IEnumerable<LocalMember> stopped, CancellationToken cancel)
    {
        var client = Patroni;
        await Task.WhenAll(stopped.Select(async member =>
        {
            await client.QueryPostgresOnceAsync(member.RestPort, cancel);
            await client.QueryPostgresOnceAsync(member.RestPort, cancel);
        }));
    }

    /// <summary>Whether the restored member's PostgreSQL runs: the one the agent started, or, once the pause has ended, one Patroni restarted.</summary>
    private static bool RestoredPostmasterRuns(LocalMember member) =>
        RunningPostmaster(member, member.RestorePidFile) is not null || RunningPostmaster(member) is not null;

    /// <summary>pgBackRest restores only into an empty directory; it runs in the background.</summary>
    private void StartPgBackRest(LocalMember member, RestoreTarget target)
    {
        EmptyDirectory(member.RestoreStagingDirectory);
        _restoring = _backups.RestoreAsync(member, target, CancellationToken.None);
        WakeAgentAfter(_restoring); // the next step is the move into place
    }

    /// <summary>
    /// Follows the recovering member between cycles (<see cref="RestoreHandoverWatch"/>): wakes
    /// its Patroni the moment PostgreSQL is promoted (a no-op PATCH: the pause as it is), and
    /// this agent once the watch has ended, the moment Patroni shows the member leading (or
    /// PostgreSQL has stopped).
    /// </summary>
    private Task<bool> WatchHandover(LocalMember member, CancellationToken cancel)
    {
        var client = Patroni;
        var watch = new RestoreHandoverWatch(
            () => PostmasterFiles.RunsAsPrimary(member.DataDirectory),
            () => RestoredPostmasterRuns(member),
            c => client.PatchConfigAsync(member.RestPort, new JsonObject { ["pause"] = true }, c),
            c => LeadsRunningAsync(member, c),
            _clock).RunAsync(cancel);
        WakeAgentAfter(watch);
        return watch;
    }

    /// <summary>
    /// Whether the member holds the leader key and its member key says "running": what the
    /// cluster view Patroni's REST API serves the agent's cycle needs to show it as the leader.
    /// </summary>
    private async Task<bool> LeadsRunningAsync(LocalMember member, CancellationToken cancel)
    {
        if (await ReadLeaderKeyAsync(cancel) != member.Name)
        {
            return false;
        }

        try
        {
            var key = await Etcd.GetAsync(PatroniKey($"members/{member.Name}"), cancel);
            return key is not null && JsonNode.Parse(key)?["state"]?.GetValue<string>() == "running";
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException || Transient.Is(e, cancel))
        {
            return false;
        }
    }

    /// <summary>The agent's next cycle runs once the task has completed (and sees it completed), not a tick later.</summary>
    private void WakeAgentAfter(Task task) =>
        task.ContinueWith(_ => _wakeAgent(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);

    /// <summary>Stops the pgBackRest restoring the member (this agent's, or one an earlier agent left running); returns the pids it stopped.</summary>
    private async Task<IReadOnlyList<int>> StopPgBackRestAsync(LocalMember member)
    {
        var pids = ProcessProbe.Find(c => c.Contains("pgbackrest", StringComparison.Ordinal) && c.Contains($"--pg1-path={member.RestoreStagingDirectory} ", StringComparison.Ordinal) && c.EndsWith(" restore", StringComparison.Ordinal));
        foreach (var pid in pids)
        {
            await Signals.TerminateAsync(pid, TimeSpan.FromSeconds(10), CancellationToken.None);
        }

        if (_restoring is not null)
        {
            await _restoring;
            _restoring = null;
        }

        return pids;
    }

    /// <summary>
    /// The restored member leads: HAProxy routes to it at once, and the pause ends, through
    /// every member so each one's loop runs now — the others, empty, copy the new primary.
    /// Only once the PostgreSQL the agent started has been promoted at the target
    /// (<see cref="PostmasterFiles.RunsAsPrimary"/>). The leader key may name the restored
    /// member, "running", while its PostgreSQL is still a hot standby: Patroni 3.0.2's REST
    /// API replaces the cluster its HA loop holds with the one it loads for the agent's
    /// GET /cluster, so a loop that began while the old primary ran refreshes its lock against
    /// a cluster without the key the agent deleted and writes the key again (etcd3.py,
    /// _update_leader); its next loop drops it. Ended then, the pause would let Patroni promote
    /// PostgreSQL short of the target (in CI, a restore to a time the WAL never reaches
    /// "succeeded"). False while the pause lasts.
    /// </summary>
    private async Task<bool> EndPauseAfterRestoreAsync(PatroniClient client, PendingRestore restore, string leader, List<string> outcomes, CancellationToken cancel)
    {
        if (_pauseEnded)
        {
            return true;
        }

        // The watch wakes Patroni with PATCHes of the pause until it sees the key: one landing
        // after the pause ended would pause the cluster again. It wakes this loop when done.
        if (!restore.Recovering || restore.Member != leader || _members.FirstOrDefault(m => m.Name == leader) is not { } member
            || !PostmasterFiles.RunsAsPrimary(member.DataDirectory) || _handover is { IsCompleted: false })
        {
            return false;
        }

        await SetPrimaryHealthAsync(leader, up: true, cancel);
        ClearReplicaDirectories(leader, outcomes);
        var running = MembersWithPatroni().OrderByDescending(m => m.Name == leader);
        if (!await SetPauseAsync(client, running, paused: false, cancel))
        {
            return false;
        }

        _pauseEnded = true;
        outcomes.Add($"{leader} leads on the restored data; Patroni's pause ends and the other members are rebuilt from it");
        return true;
    }

    /// <summary>
    /// The other members' data directories hold nothing of value during a restore in place
    /// (their data is set aside), but a paused Patroni may have written into them: Patroni 3.0.2,
    /// seeing the old leader's key once more just after PostgreSQL stopped, ran its "changing
    /// primary_conninfo and restarting" task, which wrote its configuration files before it
    /// failed. Such a directory is neither empty nor a cluster, and Patroni then refuses to copy
    /// the new primary into it ("data dir for the cluster is not empty, but system ID is
    /// invalid") until the agent rebuilds the member a minute later; seen here in a benchmark.
    /// </summary>
    private void ClearReplicaDirectories(string leader, List<string> outcomes)
    {
        foreach (var member in _members.Where(m => m.Name != leader && System.IO.Directory.Exists(m.DataDirectory) && !File.Exists(Path.Combine(m.DataDirectory, "PG_VERSION"))))
        {
            var written = System.IO.Directory.EnumerateFileSystemEntries(member.DataDirectory).Select(Path.GetFileName).ToList();
            if (written.Count > 0)
            {
                EmptyDirectory(member.DataDirectory);
                outcomes.Add($"emptied {member.Name}'s data directory of what its paused Patroni wrote there ({string.Join(", ", written)}), so it copies the restored primary");
            }
        }
    }

    private void FailRestore(string message, List<string> outcomes)
    {
        if (State.LastRestore is { Phase: RestorePhases.Running } running)
        {
            State.LastRestore = running with { Phase = RestorePhases.Failed, Message = message, CompletedAt = _clock.GetUtcNow() };
            SaveState();
            outcomes.Add($"the restore failed: {message}");
        }
    }

    /// <summary>
    /// Deletes what is in a directory but keeps the directory: removing it too would fail when a
    /// paused Patroni writes into it meanwhile; what it writes then is dealt with afterwards.
    /// </summary>
    private void EmptyDirectory(string directory)
    {
        _account.Directory(directory);
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo { LinkTarget: null } child)
            {
                child.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }
        }
    }
}
