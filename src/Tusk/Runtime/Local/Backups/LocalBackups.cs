using System.Globalization;
using Npgsql;
using Tusk.Api;
using Tusk.Planning;
using Tusk.Planning.Backups;
using Tusk.Runtime.Local.Processes;

namespace Tusk.Runtime.Local.Backups;

/// <summary>
/// pgBackRest for one local cluster: configuration files, the stanza, archiving's health,
/// scheduled and manual backups (one at a time, in the background, from the primary), and
/// what `pgbackrest info` says. Every command runs as the service account.
/// </summary>
/// <param name="jobEnded">Called when a backup job ends, so the agent's loop publishes its outcome now rather than a tick later.</param>
public sealed class LocalBackups(ClusterDirectory directory, ClusterState state, ServiceAccount account, CommandRunner runner, TimeProvider clock, Action jobEnded)
{
    private static readonly TimeSpan ArchiveCheckInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan InfoInterval = TimeSpan.FromMinutes(1);
    private readonly Lock _lock = new();
    private BackupJob? _running;
    private string? _archiveError;
    private string? _pgBackRestArchiveError;
    private DateTimeOffset _archiveCheckedAt;
    // What `pgbackrest info` said last, read once per run of it, not on every status.
    private IReadOnlyList<BackupRecord>? _backupRecords;
    private IReadOnlyDictionary<string, (bool Ok, string Message)>? _repoHealth;
    private DateTimeOffset _infoAt;
    private bool _infoStale = true;

    /// <summary>Each repository's directory: the spec's path, else backups/repoN in the cluster's directory.</summary>
    public string RepoPath(RepoPlan repo) => repo.Path ?? directory.Repo(repo.Name);

    public BackupJob? Running
    {
        get
        {
            lock (_lock)
            {
                return _running;
            }
        }
    }

    /// <summary>Directories and each member's pgbackrest.conf (and the restore's, while one is pending).</summary>
    public void Prepare(ClusterPlan plan, IReadOnlyList<LocalMember> members)
    {
        if (plan.Backups is not { } backups)
        {
            return;
        }

        foreach (var repo in backups.Repos)
        {
            if (repo.Path is null)
            {
                account.Directory(directory.Backups);
            }

            account.Directory(RepoPath(repo));
        }

        foreach (var member in members)
        {
            CreateWorkDirectories(member);
            account.WriteIfChanged(member.PgBackRestConfig, PgBackRestConfigBuilder.Build(backups.Global, backups.Repos.Select(r => (r.Index, RepoPath(r))), member), Modes.PrivateFile);
        }
    }

    /// <summary>The configuration a restore reads from: only the repository it restores from, as repo1.</summary>
    public void PrepareRestore(IReadOnlyDictionary<string, string> global, IReadOnlyList<LocalMember> members, string repoPath)
    {
        foreach (var member in members)
        {
            CreateWorkDirectories(member);
            account.WriteIfChanged(member.PgBackRestRestoreConfig, PgBackRestConfigBuilder.Build(global.Where(g => !g.Key.StartsWith("repo", StringComparison.Ordinal)).ToDictionary(), [(1, repoPath)], member), Modes.PrivateFile);
        }
    }

    /// <summary>Restores the member into its (empty) staging directory from the pending restore's repository, as the service account.</summary>
    public Task<CommandResult> RestoreAsync(LocalMember member, RestoreTarget target, CancellationToken cancel) =>
        PgBackRestAsync(member.PgBackRestRestoreConfig, PgBackRestConfigBuilder.RestoreArguments(member, target), cancel);

    /// <summary>pgBackRest writes no log file into a directory that does not exist (and says so on every command).</summary>
    private void CreateWorkDirectories(LocalMember member)
    {
        account.Directory(member.PgBackRestDirectory);
        foreach (var name in new[] { "spool", "lock", "log" })
        {
            account.Directory(Path.Combine(member.PgBackRestDirectory, name));
        }
    }

    /// <summary>
    /// Creates the stanza once the primary runs (again when repositories are added), then
    /// switches WAL: archiving failed until now, and PostgreSQL would otherwise wait out its
    /// 60-second back-off before trying again.
    /// </summary>
    public async Task EnsureStanzaAsync(BackupPlan backups, LocalMember leader, NpgsqlConnection connection, List<string> outcomes, CancellationToken cancel)
    {
        var hash = string.Join(",", backups.Repos.Select(RepoPath));
        if (state.StanzaHash == hash)
        {
            return;
        }

        var result = await PgBackRestAsync(leader.PgBackRestConfig, ["stanza-create"], cancel);
        if (!result.Ok)
        {
            outcomes.Add($"could not create the pgBackRest stanza: {result.LastWords}");
            return;
        }

        state.StanzaHash = hash;
        _infoStale = true;
        await using (var command = new NpgsqlCommand("SELECT pg_switch_wal()", connection))
        {
            await command.ExecuteNonQueryAsync(cancel);
        }

        outcomes.Add($"created the pgBackRest stanza in {string.Join(", ", backups.Repos.Select(r => r.Name))}; WAL archiving starts");
    }

    /// <summary>
    /// Whether the primary archives: pg_stat_archiver says when the last segment failed and
    /// when the last one succeeded; pgBackRest's own message comes from the error file its
    /// asynchronous archive-push leaves in the spool. Checked every two seconds at most.
    /// Each retry clears that file before the next attempt writes it again, so while the
    /// failure lasts pgBackRest's last message is kept rather than replaced by a vaguer one.
    /// </summary>
    public async Task<string?> ArchiveErrorAsync(LocalMember leader, NpgsqlConnection connection, CancellationToken cancel)
    {
        var now = clock.GetUtcNow();
        if (now - _archiveCheckedAt < ArchiveCheckInterval)
        {
            return _archiveError;
        }

        _archiveCheckedAt = now;
        await using var command = new NpgsqlCommand(
            "SELECT last_failed_wal, last_failed_time > coalesce(last_archived_time, '-infinity') FROM pg_stat_archiver", connection);
        await using var reader = await command.ExecuteReaderAsync(cancel);
        await reader.ReadAsync(cancel);
        var failing = !reader.IsDBNull(1) && reader.GetBoolean(1);
        var wal = reader.IsDBNull(0) ? null : reader.GetString(0);
        _pgBackRestArchiveError = failing ? SpoolError(leader) ?? _pgBackRestArchiveError : null;
        _archiveError = failing ? _pgBackRestArchiveError ?? $"archiving WAL segment {wal} failed; see {leader.PatroniLog}" : null;
        return _archiveError;
    }

    /// <summary>pgBackRest's message from the newest *.error file in the member's outgoing spool.</summary>
    private static string? SpoolError(LocalMember member)
    {
        var spool = Path.Combine(member.PgBackRestDirectory, "spool", "archive", BackupPlan.Stanza, "out");
        var newest = System.IO.Directory.Exists(spool)
            ? new DirectoryInfo(spool).EnumerateFiles("*.error").OrderByDescending(f => f.LastWriteTimeUtc).FirstOrDefault()
            : null;
        if (newest is null)
        {
            return null;
        }

        // The file holds pgBackRest's error code on the first line, then its message and hints.
        var lines = File.ReadAllLines(newest.FullName).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("HINT:", StringComparison.Ordinal)).ToList();
        return lines.Count switch
        {
            0 => null,
            1 => lines[0],
            _ => $"[{lines[0]}] {string.Join(" ", lines.Skip(1))}",
        };
    }

    /// <summary>Starts the backups whose schedule is due; a slot seen for the first time only sets the baseline.</summary>
    public void RunSchedules(BackupPlan backups, LocalMember leader, List<string> outcomes)
    {
        var now = clock.GetUtcNow();
        foreach (var repo in backups.Repos)
        {
            foreach (var schedule in repo.Schedules)
            {
                var key = $"{repo.Name}/{schedule.Type}";
                if (!state.ScheduleSlots.TryGetValue(key, out var last))
                {
                    state.ScheduleSlots[key] = BackupSchedule.LatestSlot(schedule.Cron, now) ?? now;
                    continue;
                }

                if (BackupSchedule.Due(schedule.Cron, last, now) is { } slot && Start(leader, repo, schedule.Type, $"scheduled ({schedule.Cron})", out var message) is not null)
                {
                    state.ScheduleSlots[key] = slot;
                    outcomes.Add(message);
                }
            }
        }
    }

    /// <summary>Starts a backup in the background and returns its job; null (with the reason) when one is already running.</summary>
    public BackupJob? Start(LocalMember leader, RepoPlan repo, string type, string reason, out string message)
    {
        lock (_lock)
        {
            if (_running is { } running)
            {
                message = $"a {running.Type} backup to {running.Repo} is already running (started {running.StartedAt:HH:mm:ss} UTC); wait for it to finish";
                return null;
            }

            var id = clock.GetUtcNow().ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture);
            var job = _running = new BackupJob(id, repo.Name, type, reason, clock.GetUtcNow());
            _ = Task.Run(async () =>
            {
                CommandResult result;
                try
                {
                    result = await PgBackRestAsync(leader.PgBackRestConfig, [$"--repo={repo.Index}", $"--type={type}", "backup"], CancellationToken.None);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The job must end either way, or no other backup could ever start.
                    result = new CommandResult(-1, "", e.Message);
                }

                lock (_lock)
                {
                    state.LastBackupJob = job with
                    {
                        FinishedAt = clock.GetUtcNow(),
                        Succeeded = result.Ok,
                        Message = result.Ok
                            ? $"{type} backup to {repo.Name} completed" + (result.Error.Trim().Length > 0 ? $" ({result.Error.Trim().Split('\n')[0]})" : "")
                            : $"{type} backup to {repo.Name} failed: {result.LastWords}",
                    };
                    _running = null;
                    _infoStale = true;
                }

                jobEnded();
            });
            message = $"started a {type} backup to {repo.Name} from {leader.Name} ({reason}), job {id}";
            return job;
        }
    }

    /// <summary>Every backup `pgbackrest info` lists (null until it has answered once); run again after each backup and once a minute.</summary>
    public async Task<IReadOnlyList<BackupRecord>?> InfoAsync(LocalMember member, CancellationToken cancel, bool fresh = false)
    {
        var now = clock.GetUtcNow();
        if (!fresh && !_infoStale && _backupRecords is not null && now - _infoAt < InfoInterval)
        {
            return _backupRecords;
        }

        var result = await PgBackRestAsync(member.PgBackRestConfig, ["--output=json", "info"], cancel);
        if (result.Ok)
        {
            (_backupRecords, _repoHealth, _infoAt, _infoStale) = (PgBackRestInfo.Backups(result.Output), PgBackRestInfo.Repos(result.Output), now, false);
        }

        return _backupRecords;
    }

    public BackupsStatus Status(BackupPlan backups)
    {
        var now = clock.GetUtcNow();
        var records = _backupRecords ?? [];
        return new BackupsStatus
        {
            Repos = [.. backups.Repos.Select(r =>
            {
                var (ok, message) = _repoHealth?.TryGetValue(r.Name, out var h) == true ? h : (false, state.StanzaHash is null ? "stanza not created yet (waiting for the primary)" : "not read yet");
                return RepoStatuses.Of(r, ok, message, records, now);
            })],
            Running = Running,
            LastJob = state.LastBackupJob,
            ArchiveError = _archiveError,
        };
    }

    private Task<CommandResult> PgBackRestAsync(string config, IEnumerable<string> arguments, CancellationToken cancel) =>
        runner.RunAsync("/usr/bin/pgbackrest", new[] { $"--config={config}", $"--stanza={BackupPlan.Stanza}" }.Concat(arguments), cancel);
}
