using System.Globalization;
using System.Runtime.Versioning;
using Tusk.Api;

namespace Tusk.Tests.Runtime.Local.EndToEnd;

/// <summary>pgBackRest end to end with real processes: archiving, backups, point-in-time restore in place, clones, retention, schedules and archive failures.</summary>
[SupportedOSPlatform("linux")]
public sealed class BackupRestoreTests
{
    /// <summary>
    /// Ready comes with the replicas streaming; Patroni's view, where the members' timelines come
    /// from, may name them a moment later (seen once in a full run: replicas streaming on no timeline).
    /// </summary>
    private static Task TimelinesKnownAsync(TuskSandbox sandbox, string cluster) =>
        sandbox.WaitUntilAsync($"every member of {cluster} on a timeline in the status", TimeSpan.FromSeconds(30), async () =>
            (await sandbox.ClusterAsync(cluster)).Status!.Instances.All(i => i.Timeline is not null));

    private static string WithBackups(string manifest, string repo = "", string global = "") => manifest + $"""

          backups:
            pgbackrest:
              repos:
                - name: repo1{repo}{global}
        """;

    [Fact]
    public async Task Restore_to_a_time_keeps_what_came_before_it_and_a_clone_at_that_time_matches_without_touching_the_source_repository()
    {
        await using var sandbox = new TuskSandbox();
        var port = TuskSandbox.FreePortPair();
        await sandbox.RunOkAsync("apply", "-f", sandbox.WriteManifest("vault", WithBackups(TuskSandbox.Manifest("vault", port, replicas: 3))), "--wait", "--timeout", "150s");
        await using (var connection = await sandbox.ConnectAsync("vault", port))
        {
            await TuskSandbox.ScalarAsync(connection, "CREATE TABLE t (batch text); INSERT INTO t VALUES ('A')");
        }

        await WaitForStanzaAsync(sandbox, "vault");
        var backup = await sandbox.RunOkAsync("backup", "vault", "--wait");
        Assert.Contains("full backup to repo1 completed", backup.Out, StringComparison.Ordinal);

        DateTimeOffset target;
        await using (var connection = await sandbox.ConnectAsync("vault", port))
        {
            await TuskSandbox.ScalarAsync(connection, "INSERT INTO t VALUES ('B')");
            await Task.Delay(1000);
            target = new DateTimeOffset((DateTime)(await TuskSandbox.ScalarAsync(connection, "SELECT now()"))!, TimeSpan.Zero);
            await Task.Delay(1000);
            await TuskSandbox.ScalarAsync(connection, "INSERT INTO t VALUES ('C')");
        }

        var time = target.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00";

        // Without --yes nothing happens: C is still there and no restore began.
        var refused = await sandbox.RunAsync("restore", "vault", "--to-time", time);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--yes", refused.Err, StringComparison.Ordinal);
        Assert.Equal(["A", "B", "C"], await BatchesAsync(sandbox, "vault", port));
        Assert.Null((await sandbox.ClusterAsync("vault")).Status!.Restore);

        // Nor with --yes to a time in the second the backup ended: pgBackRest would refuse it only
        // once the cluster had stopped (it counts backups that ended in an earlier second).
        var sameSecond = (await BackupsAsync(sandbox, "vault")).Single().StoppedAt.AddMilliseconds(999).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) + "+00";
        var tooEarly = await sandbox.RunAsync("restore", "vault", "--to-time", sameSecond, "--yes", "--wait");
        Assert.NotEqual(0, tooEarly.ExitCode);
        Assert.Contains("from the next whole second on", tooEarly.Err, StringComparison.Ordinal);
        Assert.Equal(["A", "B", "C"], await BatchesAsync(sandbox, "vault", port));
        Assert.Null((await sandbox.ClusterAsync("vault")).Status!.Restore);
        // A clone at that time likewise: refused before the new cluster exists.
        var earlyClone = await sandbox.RunAsync("create", "cluster", "early", "--from", "vault", "--to-time", sameSecond, "--port", TuskSandbox.FreePortPair().ToString(CultureInfo.InvariantCulture), "--file", Path.Combine(sandbox.Home, "early.yaml"));
        Assert.NotEqual(0, earlyClone.ExitCode);
        Assert.Contains("spec.dataSource.postgresCluster.options: vault's repo1: the oldest backup ended at", earlyClone.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(sandbox.ClusterPath("early")));

        // A clone at T: A and B, not C; its own passwords and repository.
        var sourceRepo = Path.Combine(sandbox.ClusterPath("vault"), "backups", "repo1");
        var clonePort = TuskSandbox.FreePortPair();
        await sandbox.RunOkAsync("create", "cluster", "copy", "--from", "vault", "--to-time", time, "--port", clonePort.ToString(CultureInfo.InvariantCulture), "--replicas", "2", "--file", Path.Combine(sandbox.Home, "copy.yaml"), "--wait", "--timeout", "180s");
        Assert.Equal(["A", "B"], await BatchesAsync(sandbox, "copy", clonePort));
        Assert.NotEqual(sandbox.Secret("vault", "user-app"), sandbox.Secret("copy", "user-app"));
        var copy = await sandbox.ClusterAsync("copy");
        Assert.Equal("Succeeded", copy.Status!.Restore!.Phase);
        Assert.All(copy.Status.Instances, i => Assert.True(i.Role == "leader" || i.State == "streaming", $"{i.Name} is {i.State}"));

        // The clone promoted to timeline 2 and archives it into its own repository, never into the source's.
        await using (var connection = await sandbox.ConnectAsync("copy", clonePort, superuser: true))
        {
            await TuskSandbox.ScalarAsync(connection, "CREATE TABLE after_clone AS SELECT 1; SELECT pg_switch_wal()");
        }

        var cloneRepo = Path.Combine(sandbox.ClusterPath("copy"), "backups", "repo1");
        await sandbox.WaitUntilAsync("the clone archives timeline 2 into its own repository", TimeSpan.FromSeconds(90), () =>
            Task.FromResult(Directory.Exists(cloneRepo) && Directory.EnumerateFiles(cloneRepo, "00000002*", SearchOption.AllDirectories).Any()));
        Assert.Empty(Directory.EnumerateFiles(sourceRepo, "00000002*", SearchOption.AllDirectories));

        // A restore to a time the archive cannot reach fails; --abort goes back to the data from
        // before it: C is there, on the same timeline, and the replicas start on their own data.
        var timeline = (await sandbox.ClusterAsync("vault")).Status!.Instances.Single(i => i.Role == "leader").Timeline;
        var replicaData = Directory.EnumerateDirectories(Path.Combine(sandbox.ClusterPath("vault"), "members")).Select(m => Path.Combine(m, "data")).Where(d => File.Exists(Path.Combine(d, "standby.signal"))).ToList();
        Assert.Equal(2, replicaData.Count);
        replicaData.ForEach(d => File.WriteAllText(Path.Combine(d, "tusk-test-marker"), "")); // gone if a replica were copied from the primary again
        var unreachable = await sandbox.RunAsync("restore", "vault", "--to-time", AnHourFromNow(), "--yes", "--wait", "--timeout", "120s");
        Assert.True(unreachable.ExitCode != 0, $"a restore to an unreachable time succeeded:\n{unreachable.Err}\n{sandbox.Diagnostics()}");
        Assert.Equal(2, (await sandbox.RunAsync("restore", "vault", "--abort", "--to-time", time)).ExitCode); // --abort takes no target
        var aborted = await sandbox.RunAsync("restore", "vault", "--abort", "--wait", "--timeout", "120s");
        Assert.True(aborted.ExitCode == 0, aborted + sandbox.Diagnostics());
        await TimelinesKnownAsync(sandbox, "vault");
        var back = (await sandbox.ClusterAsync("vault")).Status!;
        Assert.Equal(("Aborted", timeline), (back.Restore!.Phase, back.Restore.Timeline));
        Assert.All(back.Instances, i => Assert.True(i.Timeline == timeline && (i.Role == "leader" || i.State == "streaming"), $"{i.Name} is {i.State} on timeline {i.Timeline}"));
        Assert.All(replicaData, d => Assert.True(File.Exists(Path.Combine(d, "tusk-test-marker")), $"{d} was copied again instead of starting on its own data"));
        Assert.Empty(SetAsideData(sandbox, "vault"));
        Assert.Equal(["A", "B", "C"], await BatchesAsync(sandbox, "vault", port));
        var nothing = await sandbox.RunAsync("restore", "vault", "--abort");
        Assert.Equal(1, nothing.ExitCode);
        Assert.Contains("vault has no restore to abort", nothing.Err, StringComparison.Ordinal);
        replicaData.ForEach(d => File.Delete(Path.Combine(d, "tusk-test-marker")));

        // In place: back to T on every member, on a new timeline.
        var restore = await sandbox.RunAsync("restore", "vault", "--to-time", time, "--yes", "--wait", "--timeout", "180s");
        Assert.True(restore.ExitCode == 0, restore + sandbox.Diagnostics());
        Assert.Equal(["A", "B"], await BatchesAsync(sandbox, "vault", port));
        await TimelinesKnownAsync(sandbox, "vault");
        var vault = await sandbox.ClusterAsync("vault");
        Assert.Equal("Succeeded", vault.Status!.Restore!.Phase);
        Assert.True(vault.Status.Restore.Timeline > timeline, $"the restore reports timeline {vault.Status.Restore.Timeline}, the cluster was on {timeline} before it");
        Assert.Equal(3, vault.Status.Instances.Count);
        Assert.All(vault.Status.Instances, i => Assert.True(i.Role == "leader" || i.State == "streaming", $"{i.Name} is {i.State}"));
        Assert.All(vault.Status.Instances, i => Assert.True(i.Timeline > 1, $"{i.Name} is on timeline {i.Timeline}"));
        await SetAsideDataDeletedAsync(sandbox, "vault");

        // The restored cluster takes writes and backups again.
        await using (var connection = await sandbox.ConnectAsync("vault", port))
        {
            await TuskSandbox.ScalarAsync(connection, "INSERT INTO t VALUES ('D')");
        }

        await WaitForStanzaAsync(sandbox, "vault");
        await sandbox.RunOkAsync("backup", "vault", "--type", "incr", "--wait");
    }

    [Fact]
    public async Task An_incremental_follows_a_full_and_retention_expires_the_oldest_full()
    {
        await using var sandbox = new TuskSandbox();
        var port = TuskSandbox.FreePortPair();
        var manifest = WithBackups(TuskSandbox.Manifest("kept", port, replicas: 1), global: "\n      global:\n        repo1-retention-full: \"1\"");
        await sandbox.RunOkAsync("apply", "-f", sandbox.WriteManifest("kept", manifest), "--wait", "--timeout", "150s");
        await WaitForStanzaAsync(sandbox, "kept");

        await sandbox.RunOkAsync("backup", "kept", "--wait");
        await sandbox.RunOkAsync("backup", "kept", "--type", "incr", "--wait");
        var first = await BackupsAsync(sandbox, "kept");
        Assert.Equal(["full", "incr"], first.Select(b => b.Type));
        Assert.StartsWith(first[0].Label + "_", first[1].Label, StringComparison.Ordinal);

        var table = (await sandbox.RunOkAsync("get", "backups", "kept")).Out;
        Assert.Contains("LABEL", table, StringComparison.Ordinal);
        Assert.Contains(first[1].Label, table, StringComparison.Ordinal);

        await sandbox.RunOkAsync("backup", "kept", "--type", "full", "--wait");
        var after = await BackupsAsync(sandbox, "kept");
        var only = Assert.Single(after);
        Assert.Equal("full", only.Type);
        Assert.DoesNotContain(after, b => b.Label == first[0].Label);

        var status = (await sandbox.ClusterAsync("kept")).Status!.Backups!;
        Assert.Equal(only.Label, Assert.Single(status.Repos).LastFull!.Label);
        Assert.True(status.LastJob!.Succeeded);
        var described = (await sandbox.RunOkAsync("describe", "cluster", "kept")).Out;
        Assert.Contains("Backups (pgBackRest; archiving works):", described, StringComparison.Ordinal);
        Assert.Contains(only.Label, described, StringComparison.Ordinal);

        // Back to exactly that backup: what was written after it is gone.
        await using (var connection = await sandbox.ConnectAsync("kept", port))
        {
            await TuskSandbox.ScalarAsync(connection, "CREATE TABLE after_backup (x int)");
        }

        // A target the archive cannot reach: the restore fails with the reason and keeps the data
        // set aside; a retry with another target succeeds.
        var unreachable = await sandbox.RunAsync("restore", "kept", "--to-time", AnHourFromNow(), "--yes", "--wait", "--timeout", "120s");
        Assert.True(unreachable.ExitCode != 0, $"a restore to an unreachable time succeeded:\n{unreachable.Err}\n{sandbox.Diagnostics()}");
        var failed = (await sandbox.ClusterAsync("kept")).Status!.Restore!;
        Assert.Equal("Failed", failed.Phase);
        Assert.Contains("cannot reach its target", failed.Message, StringComparison.Ordinal);
        Assert.NotEmpty(SetAsideData(sandbox, "kept"));
        // Nothing elects a primary meanwhile, and status says so, with the ways on.
        await sandbox.WaitUntilAsync("status names the failed restore", TimeSpan.FromSeconds(10), async () =>
            (await sandbox.ClusterAsync("kept")).Status!.Conditions.Single(c => c.Type == "Ready").Reason == "RestoreFailed");
        Assert.Contains("run `tusk restore kept` again with another target, or `tusk restore kept --abort` to go back to the data from before it", (await sandbox.RunOkAsync("describe", "cluster", "kept")).Out, StringComparison.Ordinal);

        await sandbox.RunOkAsync("restore", "kept", "--to-backup", only.Label, "--yes", "--wait", "--timeout", "120s");
        await SetAsideDataDeletedAsync(sandbox, "kept");
        await using (var connection = await sandbox.ConnectAsync("kept", port))
        {
            Assert.Equal(true, await TuskSandbox.ScalarAsync(connection, "SELECT to_regclass('after_backup') IS NULL"));
        }

        Assert.Equal($"backup {only.Label}", (await sandbox.ClusterAsync("kept")).Status!.Restore!.Target);

        // The agent dies while pgBackRest restores (held stopped here, so it cannot finish first):
        // the next agent stops what it left behind and restores again.
        await using (var connection = await sandbox.ConnectAsync("kept", port))
        {
            await TuskSandbox.ScalarAsync(connection, "CREATE TABLE after_backup (x int)");
        }

        var agentPid = int.Parse(File.ReadAllText(Path.Combine(sandbox.Home, "agent.pid")), CultureInfo.InvariantCulture);
        var requested = DateTimeOffset.UtcNow.AddSeconds(-1);
        await sandbox.RunOkAsync("restore", "kept", "--to-backup", only.Label, "--yes");
        var orphan = await HoldPgBackRestRestoreAsync(sandbox);
        TuskSandbox.Kill(agentPid);
        // As if an agent had died deleting an earlier restore's set-aside data: the next one sweeps it, once no restore needs it.
        var member = Directory.EnumerateDirectories(Path.Combine(sandbox.ClusterPath("kept"), "members")).First();
        Directory.CreateDirectory(Path.Combine(member, "data.before-restore-20000101000000", "base"));
        await sandbox.WaitUntilAsync("the next agent finishes the restore", TimeSpan.FromSeconds(120), async () =>
            (await sandbox.ClusterAsync("kept")).Status is { Phase: "Ready", Restore: { Phase: "Succeeded" } restored } && restored.StartedAt >= requested);
        Assert.False(Tusk.Runtime.Local.Processes.ProcessProbe.IsAlive(orphan));
        Assert.Contains($"stopped the pgBackRest restore (pid {orphan}) an earlier agent left running", sandbox.AgentLog(), StringComparison.Ordinal);
        await SetAsideDataDeletedAsync(sandbox, "kept");
        await using (var connection = await sandbox.ConnectAsync("kept", port))
        {
            Assert.Equal(true, await TuskSandbox.ScalarAsync(connection, "SELECT to_regclass('after_backup') IS NULL"));
        }

        // A clone with no target replays everything the source archived, along its newest timeline.
        await using (var connection = await sandbox.ConnectAsync("kept", port))
        {
            await TuskSandbox.ScalarAsync(connection, "CREATE TABLE after_restore (x int)");
        }

        var clonePort = TuskSandbox.FreePortPair();
        await sandbox.RunOkAsync("create", "cluster", "latest", "--from", "kept", "--port", clonePort.ToString(CultureInfo.InvariantCulture), "--replicas", "1", "--file", Path.Combine(sandbox.Home, "latest.yaml"), "--wait", "--timeout", "180s");
        await using (var connection = await sandbox.ConnectAsync("latest", clonePort))
        {
            Assert.Equal(true, await TuskSandbox.ScalarAsync(connection, "SELECT to_regclass('after_restore') IS NOT NULL"));
        }

        Assert.EndsWith("to the end of the archived WAL", (await sandbox.ClusterAsync("latest")).Status!.Restore!.Target, StringComparison.Ordinal);
    }

    /// <summary>
    /// Patroni 3.0.2 can put the leader key back just after the agent deleted it: a loop that
    /// began while the old primary ran refreshes its lock against the cluster the REST API last
    /// loaded (the agent's own GET /cluster), finds no key there and writes it again. Until that
    /// Patroni's next loop drops it, the key names the member being restored, "running", while its
    /// PostgreSQL is still a hot standby replaying WAL. The test plants that key (the race itself
    /// cannot be forced) during a restore to a time the WAL never reaches: ending the pause then
    /// would let Patroni promote PostgreSQL short of the target, and the restore "succeeded".
    /// </summary>
    [Fact]
    public async Task A_restore_waits_for_the_promotion_at_its_target_even_while_a_planted_stale_leader_key_names_the_member()
    {
        await using var sandbox = new TuskSandbox();
        var (port, _) = await OneInstanceWithAFullBackupAsync(sandbox, "stale");
        await using (var connection = await sandbox.ConnectAsync("stale", port))
        {
            // Enough WAL after the backup that the restored server spends seconds as a hot standby.
            await TuskSandbox.ScalarAsync(connection, "CREATE TABLE filler AS SELECT g, repeat('x', 200) AS pad FROM generate_series(1, 400000) g");
        }

        var member = (await sandbox.ClusterAsync("stale")).Status!.Primary!;
        var etcdPort = int.Parse(File.ReadAllText(Path.Combine(sandbox.Home, "etcd", "ports")).Split(' ')[0], CultureInfo.InvariantCulture);
        using var http = new HttpClient();
        var etcd = new Tusk.Runtime.Local.Clients.EtcdClient(http, etcdPort);
        using var planting = new CancellationTokenSource();
        var planter = Task.Run(async () =>
        {
            while (!planting.IsCancellationRequested)
            {
                await etcd.PutAsync("/tusk/default-stale/leader", member, CancellationToken.None);
                await Task.Delay(20, CancellationToken.None);
            }
        });

        var unreachable = await sandbox.RunAsync("restore", "stale", "--to-time", AnHourFromNow(), "--yes", "--wait", "--timeout", "120s");
        await planting.CancelAsync();
        await planter;
        Assert.True(unreachable.ExitCode != 0, $"a restore to an unreachable time succeeded:\n{unreachable.Err}\n{sandbox.Diagnostics()}");
        Assert.Contains("cannot reach its target", (await sandbox.ClusterAsync("stale")).Status!.Restore!.Message, StringComparison.Ordinal);
        // Whether Patroni gets to promote before recovery fails is a matter of timing; the pause must not end at all.
        Assert.DoesNotContain("Patroni's pause ends", sandbox.AgentLog(), StringComparison.Ordinal);
    }

    /// <summary>
    /// pgBackRest restores into a directory of its own beside the data directory, which moves
    /// into place once it has finished. A failure (here: the backup's files unreadable) is
    /// reported with pgBackRest's reason and the data stays set aside. The retry runs while a
    /// stand-in for a paused Patroni keeps saving its configuration (patroni.dynamic.json)
    /// wherever the data directory exists without data, as Patroni does at the end of a loop;
    /// that must not disturb it.
    /// </summary>
    [Fact]
    public async Task A_failed_pgBackRest_says_why_and_keeps_the_data_and_the_retry_succeeds_while_a_stand_in_for_Patroni_writes_into_the_data_directorys_place()
    {
        await using var sandbox = new TuskSandbox();
        var (port, backup) = await OneInstanceWithAFullBackupAsync(sandbox, "crowded");
        var member = Path.Combine(sandbox.ClusterPath("crowded"), "members", (await sandbox.ClusterAsync("crowded")).Status!.Primary!);
        var files = Path.Combine(sandbox.ClusterPath("crowded"), "backups", "repo1", "backup", "db", backup.Label, "pg_data");
        Assert.True(Directory.Exists(files), $"no {files}");
        File.SetUnixFileMode(files, UnixFileMode.None);
        var failed = await sandbox.RunAsync("restore", "crowded", "--to-backup", backup.Label, "--yes", "--wait", "--timeout", "120s");
        File.SetUnixFileMode(files, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Assert.True(failed.ExitCode != 0, $"the restore succeeded without the backup's files:\n{failed.Err}\n{sandbox.Diagnostics()}");
        Assert.Contains("pgBackRest could not restore", (await sandbox.ClusterAsync("crowded")).Status!.Restore!.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Assert.Single(Directory.GetDirectories(member, "data.before-restore-*")), "PG_VERSION")), "the data set aside is gone");

        var data = Path.Combine(member, "data");
        using var writing = new CancellationTokenSource();
        var saves = 0;
        var writer = Task.Run(() =>
        {
            while (!writing.IsCancellationRequested)
            {
                try
                {
                    if (Directory.Exists(data) && !File.Exists(Path.Combine(data, "PG_VERSION")) && !File.Exists(Path.Combine(data, "patroni.dynamic.json")))
                    {
                        File.WriteAllText(Path.Combine(data, "patroni.dynamic.json"), """{"pause": true}""");
                        saves++;
                    }
                }
                catch (IOException)
                {
                    // The agent removed the directory meanwhile: write again on the next turn.
                }
            }
        });

        var retried = await sandbox.RunAsync("restore", "crowded", "--to-backup", backup.Label, "--yes", "--wait", "--timeout", "120s");
        await writing.CancelAsync();
        await writer;
        Assert.True(retried.ExitCode == 0, $"the retry failed:\n{retried.Err}\n{sandbox.Diagnostics()}");
        Assert.True(saves > 0, "the stand-in never found the data directory's place empty");
        await using var connection = await sandbox.ConnectAsync("crowded", port);
        Assert.Equal(1, await TuskSandbox.ScalarAsync(connection, "SELECT 1"));
    }

    /// <summary>
    /// `tusk restore --abort` while pgBackRest still copies (held stopped here, so it cannot
    /// finish first): pgBackRest is stopped, its directory removed, and the primary starts again
    /// on its own data, with what was written after the backup.
    /// </summary>
    [Fact]
    public async Task An_abort_while_pgBackRest_copies_stops_it_and_the_primary_starts_again_on_its_own_data()
    {
        await using var sandbox = new TuskSandbox();
        var (port, backup) = await OneInstanceWithAFullBackupAsync(sandbox, "undo");
        await using (var connection = await sandbox.ConnectAsync("undo", port))
        {
            await TuskSandbox.ScalarAsync(connection, "CREATE TABLE after_backup (x int)");
        }

        var timeline = (await sandbox.ClusterAsync("undo")).Status!.Instances.Single().Timeline;
        await sandbox.RunOkAsync("restore", "undo", "--to-backup", backup.Label, "--yes");
        var copying = await HoldPgBackRestRestoreAsync(sandbox);

        var aborted = await sandbox.RunAsync("restore", "undo", "--abort", "--wait", "--timeout", "120s");

        Assert.True(aborted.ExitCode == 0, aborted + sandbox.Diagnostics());
        Assert.False(Tusk.Runtime.Local.Processes.ProcessProbe.IsAlive(copying));
        var status = (await sandbox.ClusterAsync("undo")).Status!;
        Assert.Equal(("Aborted", timeline), (status.Restore!.Phase, status.Instances.Single().Timeline));
        Assert.DoesNotContain(Directory.EnumerateDirectories(Path.Combine(sandbox.ClusterPath("undo"), "members"), "*", SearchOption.AllDirectories), d => Path.GetFileName(d).StartsWith("data.", StringComparison.Ordinal)); // nothing set aside, no data.restoring
        await using (var connection = await sandbox.ConnectAsync("undo", port))
        {
            Assert.Equal(true, await TuskSandbox.ScalarAsync(connection, "SELECT to_regclass('after_backup') IS NOT NULL"));
        }
    }

    [Fact]
    public async Task Without_a_member_to_restore_in_place_Patronis_bootstrap_restores_and_a_failed_attempt_does_not_fail_its_retry()
    {
        await using var sandbox = new TuskSandbox();
        var (port, backup) = await OneInstanceWithAFullBackupAsync(sandbox, "fallback");
        await using (var connection = await sandbox.ConnectAsync("fallback", port))
        {
            await TuskSandbox.ScalarAsync(connection, "CREATE TABLE after_backup (x int)");
        }

        // A restore in place starts PostgreSQL with the arguments in postmaster.opts; without them, Patroni's bootstrap restores.
        foreach (var opts in Directory.EnumerateFiles(Path.Combine(sandbox.ClusterPath("fallback"), "members"), "postmaster.opts", SearchOption.AllDirectories))
        {
            File.Delete(opts);
        }

        var unreachable = await sandbox.RunAsync("restore", "fallback", "--to-time", AnHourFromNow(), "--yes", "--wait", "--timeout", "120s");
        Assert.True(unreachable.ExitCode != 0, $"a restore to an unreachable time succeeded:\n{unreachable.Err}\n{sandbox.Diagnostics()}");
        Assert.Contains("cannot reach its target", (await sandbox.ClusterAsync("fallback")).Status!.Restore!.Message, StringComparison.Ordinal);

        // The failed attempt's lines are still in Patroni's log; the retry is judged on its own.
        await sandbox.RunOkAsync("restore", "fallback", "--to-backup", backup.Label, "--yes", "--wait", "--timeout", "120s");
        await using (var connection = await sandbox.ConnectAsync("fallback", port))
        {
            Assert.Equal(true, await TuskSandbox.ScalarAsync(connection, "SELECT to_regclass('after_backup') IS NULL"));
        }

        Assert.DoesNotContain("while Patroni is paused", sandbox.AgentLog(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_per_minute_schedule_takes_exactly_one_backup_per_slot()
    {
        await using var sandbox = new TuskSandbox();
        var port = TuskSandbox.FreePortPair();
        var manifest = WithBackups(TuskSandbox.Manifest("ticking", port, replicas: 1), repo: "\n          schedules:\n            full: \"* * * * *\"", global: "\n      global:\n        repo1-retention-full: \"10\"");
        await sandbox.RunOkAsync("apply", "-f", sandbox.WriteManifest("ticking", manifest), "--wait", "--timeout", "150s");
        var next = Assert.Single((await sandbox.ClusterAsync("ticking")).Status!.Backups!.Repos).NextScheduled;
        Assert.Equal("full", next!.Type);

        // Wait for two slots to pass after the first one the agent sees, then count.
        await sandbox.WaitUntilAsync("a scheduled backup has run", TimeSpan.FromSeconds(150), async () =>
            (await sandbox.ClusterAsync("ticking")).Status!.Backups!.LastJob is { Reason: var reason, Succeeded: true } && reason.StartsWith("scheduled", StringComparison.Ordinal));
        var firstSlot = (await sandbox.ClusterAsync("ticking")).Status!.Backups!.LastJob!.StartedAt;
        var until = new DateTimeOffset(firstSlot.Year, firstSlot.Month, firstSlot.Day, firstSlot.Hour, firstSlot.Minute, 0, TimeSpan.Zero).AddMinutes(2).AddSeconds(20);
        await Task.Delay(until - DateTimeOffset.UtcNow);

        var backups = await BackupsAsync(sandbox, "ticking");
        var perMinute = backups.GroupBy(b => b.StartedAt.ToString("HH:mm", CultureInfo.InvariantCulture)).ToList();
        Assert.All(perMinute, g => Assert.Single(g));
        Assert.InRange(backups.Count, 2, 3);
    }

    [Fact]
    public async Task An_unwritable_repository_makes_the_cluster_Degraded_with_pgBackRests_reason_until_it_is_fixed()
    {
        await using var sandbox = new TuskSandbox();
        var port = TuskSandbox.FreePortPair();
        var repo = Path.Combine(sandbox.Home, "external-repo");
        await sandbox.RunOkAsync("apply", "-f", sandbox.WriteManifest("fragile", WithBackups(TuskSandbox.Manifest("fragile", port, replicas: 1), repo: $"\n          path: {repo}")), "--wait", "--timeout", "150s");
        await WaitForStanzaAsync(sandbox, "fragile");

        File.SetUnixFileMode(repo, UnixFileMode.None);
        try
        {
            await using (var connection = await sandbox.ConnectAsync("fragile", port, superuser: true))
            {
                await TuskSandbox.ScalarAsync(connection, "CREATE TABLE x AS SELECT 1; SELECT pg_switch_wal()");
            }

            // pgBackRest's message appears once its asynchronous archive-push has failed and
            // stays while the failure lasts (each retry rewrites the spool's error file).
            await sandbox.WaitUntilAsync("the cluster is Degraded with pgBackRest's reason", TimeSpan.FromSeconds(60), async () =>
                (await sandbox.ClusterAsync("fragile")).Status is { Phase: ClusterPhases.Degraded, Backups.ArchiveError: { } error } && error.Contains("Permission denied", StringComparison.Ordinal));
            var status = (await sandbox.ClusterAsync("fragile")).Status!;
            Assert.Contains(status.Conditions, c => c.Type == "Degraded" && c.Status == "True" && c.Reason == "ArchivingFailed");
        }
        finally
        {
            File.SetUnixFileMode(repo, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        // PostgreSQL retries a failing archive after 60 s, or at once when a segment is switched.
        await using (var connection = await sandbox.ConnectAsync("fragile", port, superuser: true))
        {
            await TuskSandbox.ScalarAsync(connection, "INSERT INTO x VALUES (2); SELECT pg_switch_wal()");
        }

        await sandbox.WaitUntilAsync("archiving recovers and the cluster is Ready again", TimeSpan.FromSeconds(90), async () =>
            (await sandbox.ClusterAsync("fragile")).Status is { Phase: ClusterPhases.Ready, Backups.ArchiveError: null });
    }

    private static async Task<(int Port, BackupRecord Backup)> OneInstanceWithAFullBackupAsync(TuskSandbox sandbox, string cluster)
    {
        var port = TuskSandbox.FreePortPair();
        await sandbox.RunOkAsync("apply", "-f", sandbox.WriteManifest(cluster, WithBackups(TuskSandbox.Manifest(cluster, port, replicas: 1))), "--wait", "--timeout", "150s");
        await WaitForStanzaAsync(sandbox, cluster);
        await sandbox.RunOkAsync("backup", cluster, "--wait");
        return (port, Assert.Single(await BackupsAsync(sandbox, cluster)));
    }

    /// <summary>Waits for the sandbox's `pgbackrest restore` and holds it stopped (SIGSTOP), so it cannot finish first; returns its pid.</summary>
    private static async Task<int> HoldPgBackRestRestoreAsync(TuskSandbox sandbox)
    {
        bool IsRestoring(string c) => c.Contains(sandbox.Home, StringComparison.Ordinal) && c.Contains("pgbackrest", StringComparison.Ordinal) && c.EndsWith(" restore", StringComparison.Ordinal);
        await sandbox.WaitUntilAsync("pgBackRest restores", TimeSpan.FromSeconds(30), () => Task.FromResult(Tusk.Runtime.Local.Processes.ProcessProbe.Find(IsRestoring).Count > 0));
        var pid = Assert.Single(Tusk.Runtime.Local.Processes.ProcessProbe.Find(IsRestoring));
        TuskSandbox.Kill(pid, signal: 19); // SIGSTOP
        return pid;
    }

    /// <summary>A restore target no archived WAL reaches.</summary>
    private static string AnHourFromNow() => DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "+00";

    private static async Task WaitForStanzaAsync(TuskSandbox sandbox, string cluster) =>
        await sandbox.WaitUntilAsync($"{cluster}'s stanza is created", TimeSpan.FromSeconds(60), async () =>
            (await sandbox.ClusterAsync(cluster)).Status?.Backups?.Repos is [{ Message: not "stanza not created yet (waiting for the primary)" }, ..]);

    private static async Task<List<BackupRecord>> BackupsAsync(TuskSandbox sandbox, string cluster) =>
        Json.Deserialize<List<BackupRecord>>((await sandbox.RunOkAsync("get", "backups", cluster, "-o", "json")).Out)!;

    private static async Task<List<string>> BatchesAsync(TuskSandbox sandbox, string cluster, int port)
    {
        await using var connection = await sandbox.ConnectAsync(cluster, port);
        await using var command = new Npgsql.NpgsqlCommand("SELECT batch FROM t ORDER BY batch", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var batches = new List<string>();
        while (await reader.ReadAsync())
        {
            batches.Add(reader.GetString(0));
        }

        return batches;
    }

    private static IEnumerable<string> SetAsideData(TuskSandbox sandbox, string cluster) =>
        Directory.EnumerateDirectories(Path.Combine(sandbox.ClusterPath(cluster), "members"), "data.before-restore-*", SearchOption.AllDirectories);

    /// <summary>Once the restore has succeeded the agent deletes the data it set aside, in the background.</summary>
    private static Task SetAsideDataDeletedAsync(TuskSandbox sandbox, string cluster) =>
        sandbox.WaitUntilAsync("the data set aside by the restore is deleted", TimeSpan.FromSeconds(30), () => Task.FromResult(!SetAsideData(sandbox, cluster).Any()));
}
