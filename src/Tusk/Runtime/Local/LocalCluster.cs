using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using Tusk.Api;
using Tusk.Planning;
using Tusk.Runtime.Local.Backups;
using Tusk.Runtime.Local.Clients;
using Tusk.Runtime.Local.Processes;
using Tusk.Security;

namespace Tusk.Runtime.Local;

/// <summary>
/// One cluster on this machine. <see cref="ReconcileAsync"/> is a straight list of steps
/// (prepare files, fence, supervise Patroni, the exporters, HAProxy and PgBouncer, observe,
/// configure, create users and the pooler's and exporters' roles, write status); each returns a sentence when it acted, and the cycle's outcome is those sentences.
/// </summary>
public sealed partial class LocalCluster
{
    private readonly TuskHome _home;
    private readonly ServiceAccount _account;
    private readonly ProcessLauncher _launcher;
    private readonly EtcdServer _etcd;
    private readonly HttpClient _http;
    private readonly TimeProvider _clock;
    private readonly Action _wakeAgent;
    private readonly Dictionary<string, SupervisedProcess> _patroni = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _patroniDownSince = new(StringComparer.Ordinal);
    private SupervisedProcess? _haproxy;
    private readonly LocalPooler _pooler;
    private readonly LocalExporters _exporters;
    private static readonly TimeSpan PrepareInterval = TimeSpan.FromHours(1);
    private bool _prepared;
    private DateTimeOffset _preparedAt;
    private DateTimeOffset _lastNudge;
    private readonly Dictionary<string, DateTimeOffset> _stuckSince = new(StringComparer.Ordinal);
    private ClusterSecrets? _secrets;
    private List<LocalMember> _members = [];
    private List<CertificateStatus> _certificates = [];
    private readonly CertificateStore _certificateStore;
    private readonly LocalBackups _backups;
    private readonly LeaderConnection _leaderConnection = new();
    private string? _savedStatus;
    private DateTimeOffset _statusSavedAt;

    public LocalCluster(PostgresCluster cluster, TuskHome home, ServiceAccount account, ProcessLauncher launcher, EtcdServer etcd, HttpClient http, TimeProvider clock, CertificatePolicy certificatePolicy, Action wakeAgent)
    {
        (_home, _account, _launcher, _etcd, _http, _clock, _wakeAgent) = (home, account, launcher, etcd, http, clock, wakeAgent);
        Directory = new ClusterDirectory(home.ClusterDirectory(cluster.Metadata.Namespace!, cluster.Metadata.Name!));
        _certificateStore = new CertificateStore(home, account, clock, certificatePolicy);
        _pooler = new LocalPooler(Directory, _certificateStore, account, launcher, clock);
        _exporters = new LocalExporters(account, launcher, clock);
        State = File.Exists(Directory.State) ? Json.Deserialize(File.ReadAllText(Directory.State), Json.Types.ClusterState) ?? new() : new() { Generation = 1 };
        Status = File.Exists(Directory.Status) ? Json.Deserialize(File.ReadAllText(Directory.Status), Json.Types.ClusterStatus) : null;
        Cluster = cluster;
        Plan = ClusterPlanner.Plan(cluster);
        _backups = new LocalBackups(Directory, State, account, new CommandRunner(account), clock, wakeAgent);
    }

    public PostgresCluster Cluster { get; private set; }
    public ClusterPlan Plan { get; private set; }
    public ClusterDirectory Directory { get; }
    public ClusterState State { get; }
    public ClusterStatus? Status { get; private set; }

    /// <summary>Moves on whenever the published status changes (not for its updatedAt alone).</summary>
    public StatusChanges StatusChanges { get; } = new();
    public IReadOnlyList<LocalMember> Members => _members;

    /// <summary>A restore (or a clone's first restore) is under way and has not failed.</summary>
    public bool Restoring => State.Restore is not null && State.LastRestore?.Phase != RestorePhases.Failed;
    private string LeaderKey => PatroniKey("leader");

    /// <summary>The etcd key (or prefix, for an empty path) of this cluster's Patroni under <paramref name="path"/>.</summary>
    private string PatroniKey(string path) => $"{PatroniConfigBuilder.Namespace}{Plan.Scope}/{path}";
    private static string CaFile(LocalMember member) => Path.Combine(member.TlsDirectory, "ca.crt");
    private PatroniClient Patroni => new(_http, PatroniConfigBuilder.RestUser, _secrets!.RestApi);
    private EtcdClient Etcd => new(_http, _etcd.ClientPort);

    /// <summary>A new spec: the next cycle rewrites the files and converges on it.</summary>
    public void Update(PostgresCluster cluster)
    {
        Cluster = cluster;
        Plan = ClusterPlanner.Plan(cluster);
        State.Generation++;
        _prepared = false;
    }

    /// <summary>The ports this cluster holds, so re-validating its own spec does not call them "in use".</summary>
    public IReadOnlyCollection<int> OwnedPorts => Plan.PgBouncer is { } pooler ? [Plan.Port, Plan.Port + 1, pooler.Port] : [Plan.Port, Plan.Port + 1];

    public async Task<IReadOnlyList<string>> ReconcileAsync(CancellationToken cancel)
    {
        var outcomes = new List<string>();
        // Preparing again now and then is what renews certificates before they expire.
        if (_clock.GetUtcNow() - _preparedAt > PrepareInterval)
        {
            _prepared = false;
        }

        var changedConfigs = _prepared ? [] : Prepare(outcomes);
        await RemoveStaleMembersAsync(outcomes, cancel);
        if (Plan.Shutdown)
        {
            await StopProcessesAsync(outcomes);
            SetStatus(StatusCalculator.Stopped(Plan, _members, Status, State.Generation, _clock.GetUtcNow()));
            return outcomes;
        }

        var leaderKey = await ReadLeaderKeyAsync(cancel);
        foreach (var member in _members)
        {
            await SuperviseMemberAsync(member, leaderKey, outcomes, cancel);
        }

        await _exporters.SuperviseAsync(Plan.Exporter, _members, outcomes);

        Add(outcomes, _haproxy!.Ensure());
        if (changedConfigs.Contains("haproxy") && _haproxy.Pid is { } haproxyPid)
        {
            ProcessProbe.Signal(haproxyPid, Native.SigUsr2);
            outcomes.Add("reloaded HAProxy because the member list changed");
        }

        if (Plan.PgBouncer is null)
        {
            await _pooler.StopAsync(outcomes, forget: true);
        }
        else
        {
            _pooler.Supervise(changedConfigs.Contains("pgbouncer"), outcomes);
        }

        await AdvanceInPlaceRestoreAsync(outcomes, cancel);
        var observation = await ObserveAsync(changedConfigs, leaderKey, outcomes, cancel);
        var status = StatusCalculator.Compute(Plan, _members, observation, Status, State.Generation, _clock.GetUtcNow());
        status.LastOutcome = outcomes.Count > 0 ? outcomes[^1] : Status?.LastOutcome;
        SetStatus(status);
        SaveState();
        SweepSetAsideDirectories();
        return outcomes;
    }

    /// <summary>
    /// Directories, secrets, certificates, ports and configuration files. Returns the names of
    /// the members (and "haproxy") whose configuration changed, so running servers reload.
    /// </summary>
    private HashSet<string> Prepare(List<string> outcomes)
    {
        var changed = new HashSet<string>(StringComparer.Ordinal);
        System.IO.Directory.CreateDirectory(Directory.Path);
        foreach (var dir in new[] { _home.Root, _home.ClustersDirectory, Path.GetDirectoryName(Directory.Path)!, Directory.Path })
        {
            File.SetUnixFileMode(dir, Modes.SharedDirectory);
        }

        _account.Directory(Directory.Members, Modes.SharedDirectory);
        // The agent's own file, which the service account reads and runs but cannot change.
        SecretFile.WriteAllTextAtomicIfChanged(Directory.PatroniLauncher, PatroniLauncher.Script, Modes.PublicFile);
        _secrets = new SecretStore(Directory).Ensure(Plan.Users.Select(u => (u.Name, u.PasswordType == "ASCII" ? PasswordKind.Ascii : PasswordKind.AlphaNumeric)));
        using var ca = _certificateStore.LoadOrCreateCa();

        var taken = TakenPorts();
        var members = new List<LocalMember>();
        foreach (var plan in Plan.Members)
        {
            if (!State.Members.TryGetValue(plan.Name, out var ports))
            {
                ports = new MemberPorts(PortAllocator.FreePort(taken), PortAllocator.FreePort(taken));
                State.Members[plan.Name] = ports;
            }

            if (Plan.Exporter && ports.Exporter is null)
            {
                ports = State.Members[plan.Name] = ports with { Exporter = PortAllocator.FreePort(taken) };
            }

            var member = new LocalMember(plan, ports.Postgres, ports.Rest, Directory.Member(plan.Name), Plan.Exporter ? ports.Exporter : null);
            _account.Directory(member.Directory);
            _account.Directory(member.SocketDirectory);
            // A renewed certificate needs a reload even when this agent has not adopted the
            // member's Patroni yet (a new agent's first cycle): the reload happens after adoption.
            if (Plan.CustomTls is { } custom ? _certificateStore.InstallCustom(custom, member.TlsDirectory) : _certificateStore.EnsureServerCertificate(ca, member))
            {
                changed.Add(member.Name);
            }

            if (State.Restore is not null && !System.IO.Directory.Exists(member.DataDirectory))
            {
                _account.Directory(member.DataDirectory); // pgBackRest restores only into a directory that exists
            }

            // A restore in place runs under a paused Patroni and leaves its configuration alone; the rest bootstrap from the repository.
            var config = PatroniConfigBuilder.Build(Plan, member, _secrets, _etcd.ClientPort, _account.UserName, CaFile(member), State.Restore is { Member: null } bootstrap ? bootstrap.Target : null);
            // JSON is YAML too, and quotes every string: Patroni's YAML 1.1 reader would turn a bare `off` into false.
            if (_account.WriteIfChanged(member.PatroniConfig, Json.Serialize(config, Json.Types.DictionaryStringObject), Modes.PrivateFile))
            {
                changed.Add(member.Name);
            }

            if (!_patroni.ContainsKey(member.Name))
            {
                _patroni[member.Name] = new SupervisedProcess(
                    PatroniLauncher.Spec(member, Directory.PatroniLauncher),
                    _launcher,
                    _clock);
            }

            _exporters.Prepare(member, _secrets.Monitor, CaFile(member));
            members.Add(member);
        }

        _members = members;
        _backups.Prepare(Plan, members);
        if (State.Restore is { } restore)
        {
            _backups.PrepareRestore(Plan.Backups?.Global ?? new Dictionary<string, string>(), members, restore.RepoPath);
        }

        _account.Directory(Directory.Haproxy);
        if (_account.WriteIfChanged(Directory.HaproxyConfig, HaproxyConfigBuilder.Build(Plan.Name, Plan.Port, members, Directory.HaproxySocket), Modes.PublicFile) && _haproxy is not null)
        {
            changed.Add("haproxy");
        }

        _haproxy ??= new SupervisedProcess(
            new ProcessSpec("haproxy", "/usr/sbin/haproxy", ["-W", "-db", "-f", Directory.HaproxyConfig], Directory.HaproxyLog, Directory.HaproxyPid, Directory.Haproxy),
            _launcher,
            _clock);
        if (Plan.PgBouncer is { } pooler && _pooler.Prepare(Plan, pooler, _secrets, ca))
        {
            changed.Add("pgbouncer");
        }

        _certificates = [.. members.Select(m => CertificateStore.Describe(m.Name, m.TlsDirectory))
            .Append(Plan.PgBouncer is null ? null : CertificateStore.Describe($"{Plan.Name}-pgbouncer", Directory.PgBouncerTls))
            .OfType<CertificateStatus>()];
        _prepared = true;
        _preparedAt = _clock.GetUtcNow();
        return changed;
    }

    /// <summary>
    /// Members the spec no longer has. A replica is stopped and its directory removed. The
    /// leader is never removed while it leads: the agent asks Patroni to switch over to a member
    /// that stays, and removes it on a later cycle, once it is a replica.
    /// </summary>
    private async Task RemoveStaleMembersAsync(List<string> outcomes, CancellationToken cancel)
    {
        foreach (var name in _patroni.Keys.Except(_members.Select(m => m.Name)).ToList())
        {
            if (Status?.Primary == name && State.Members.TryGetValue(name, out var ports))
            {
                var (ok, message) = await WatchedSwitchoverAsync(name, ports.Rest, LocalMember.DataDirectoryIn(Directory.Member(name)), _members.FirstOrDefault()?.Name, cancel);
                outcomes.Add(ok
                    ? $"switched over from {name} before removing it, because the spec has fewer replicas"
                    : $"waiting to remove {name}: it is the leader and the switchover away from it failed: {message}");
                _prepared = false;
                continue;
            }

            await StopMemberAsync(name, _patroni[name]);
            _patroni.Remove(name);
            State.Members.Remove(name);
            System.IO.Directory.Delete(Directory.Member(name), recursive: true);
            outcomes.Add($"removed member {name} because the spec has fewer replicas");
        }
    }

    /// <summary>
    /// Keeps one member's Patroni running. Two safety rules come first. When the leader's
    /// Patroni and postmaster are both gone, nothing can accept writes on it, so the agent
    /// releases its leader key at once (only if the key still names it) and a replica is
    /// promoted in a fraction of a second instead of after the lease. When the Patroni is gone
    /// but the postmaster lives on, Patroni is restarted to adopt it; if that fails for half
    /// the lease, the postmaster is stopped, because once the lease ends a replica is promoted
    /// and two primaries would take writes.
    /// </summary>
    private async Task SuperviseMemberAsync(LocalMember member, string? leaderKey, List<string> outcomes, CancellationToken cancel)
    {
        var patroni = _patroni[member.Name];
        if (patroni.IsAlive)
        {
            _patroniDownSince.Remove(member.Name);
            return;
        }

        if (patroni.Pid is not null && !PortAllocator.IsFree(member.RestPort))
        {
            // Patroni exits at once when its REST port is taken ("Address already in use"), and
            // would on every restart: a port chosen free can be taken by another program before
            // Patroni binds it (seen in a full test run, where clusters start side by side).
            var moved = State.Members[member.Name] with { Rest = PortAllocator.FreePort(TakenPorts()) };
            State.Members[member.Name] = moved;
            _prepared = false; // the next cycle writes Patroni's and HAProxy's configuration with it
            outcomes.Add($"moved {member.Name}'s Patroni REST API from port {member.RestPort} to {moved.Rest}: another process holds {member.RestPort}, so Patroni could not start");
            return;
        }

        if (patroni.Pid is not null && MovePostgresPortIfTaken(member, outcomes))
        {
            return; // a primary's Patroni exits when the PostgreSQL it bootstrapped cannot start
        }

        var now = _clock.GetUtcNow();
        var downSince = _patroniDownSince.TryGetValue(member.Name, out var since) ? since : _patroniDownSince[member.Name] = now;
        var postmaster = RunningPostmaster(member);
        if (leaderKey == member.Name && postmaster is null && patroni.Pid is not null)
        {
            if (await DeleteLeaderKeyAsync(member.Name, cancel))
            {
                await SetPrimaryHealthAsync(member.Name, up: false, cancel);
                outcomes.Add($"released the leader key of {member.Name} because its Patroni and PostgreSQL are both gone, so a replica takes over now instead of after the {Plan.Timings.Ttl}-second lease");
                patroni.HoldUntil(now + TimeSpan.FromSeconds(2));
            }
        }
        else if (postmaster is { } orphan && now - downSince > TimeSpan.FromSeconds(Plan.Timings.Ttl / 2.0))
        {
            ProcessProbe.Signal(orphan, Native.SigTerm);
            outcomes.Add($"stopped the PostgreSQL of {member.Name} (pid {orphan}) because its Patroni stayed down for half the lease; it rejoins when Patroni restarts");
        }
        else if (postmaster is not null)
        {
            patroni.HoldUntil(now);
        }

        Add(outcomes, patroni.Ensure());
    }

    /// <summary>
    /// PostgreSQL cannot start while another process holds its port ("could not bind ...
    /// Address already in use"), and neither a restart nor a rebuild helps: the member moves to
    /// a free port instead, as a taken REST port does. Only when no postmaster of the member's
    /// own runs (it would hold the port itself) and no restore runs one the agent started.
    /// </summary>
    private bool MovePostgresPortIfTaken(LocalMember member, List<string> outcomes)
    {
        if (Restoring || PortAllocator.IsFree(member.PostgresPort) || RunningPostmaster(member) is not null)
        {
            return false;
        }

        var moved = State.Members[member.Name] with { Postgres = PortAllocator.FreePort(TakenPorts()) };
        State.Members[member.Name] = moved;
        _prepared = false; // the next cycle writes Patroni's and HAProxy's configuration with it
        outcomes.Add($"moved {member.Name}'s PostgreSQL from port {member.PostgresPort} to {moved.Postgres}: another process holds {member.PostgresPort}, so PostgreSQL could not start");
        return true;
    }

    /// <summary>
    /// The pid of the member's postmaster while it runs (Patroni detaches it, so its pid file
    /// tells); <paramref name="pidFile"/>: another pid file of the member's, such as the one the
    /// agent's own start of PostgreSQL writes during a restore.
    /// </summary>
    private static int? RunningPostmaster(LocalMember member, string? pidFile = null) =>
        ProcessProbe.ReadPidFile(pidFile ?? member.PostmasterPidFile) is { } pid && ProcessProbe.IsAlive(pid, member.DataDirectory) ? pid : null;

    private async Task<Observation> ObserveAsync(HashSet<string> changedConfigs, string? leaderKey, List<string> outcomes, CancellationToken cancel)
    {
        var pids = _members.ToDictionary(m => m.Name, m => _patroni[m.Name].IsAlive ? _patroni[m.Name].Pid : null, StringComparer.Ordinal);
        var client = Patroni;
        IReadOnlyList<PatroniMember>? members = null;
        foreach (var member in _members.Where(m => pids[m.Name] is not null))
        {
            members = await client.GetClusterAsync(member.RestPort, cancel);
            if (members is not null)
            {
                break;
            }
        }

        foreach (var name in changedConfigs.Where(n => pids.GetValueOrDefault(n) is not null))
        {
            var member = _members.First(m => m.Name == name);
            var (ok, message) = await client.ReloadAsync(member.RestPort, cancel);
            Add(outcomes, ok ? $"reloaded {name} because its configuration changed" : null);
            if (!ok)
            {
                _prepared = false; // try again next cycle
            }
        }

        var leader = members?.FirstOrDefault(m => m.IsLeader && m.State == "running");
        if (leader is not null && State.Restore is { Member: not null } inPlace && !await EndPauseAfterRestoreAsync(client, inPlace, leader.Name, outcomes, cancel))
        {
            leader = null; // the key may still name the stopped old primary; nothing leads until the restored member does
        }

        var streaming = new HashSet<string>(StringComparer.Ordinal);
        var writable = false;
        var usersApplied = false;
        string? diagnosis = null;
        string? archiveError = null;
        int? restoredTimeline = null;
        if (leader is not null)
        {
            State.Bootstrapped = true;
            var leaderMember = _members.FirstOrDefault(m => m.Name == leader.Name);
            // Through HAProxy on a connection of its own, beside the work on the leader below
            // (about 0.05 s each, on every cycle and on the path of every restore).
            var endpointWritable = EndpointWritableAsync(leaderMember, cancel);
            await ApplyDynamicConfigurationAsync(client, leaderMember, outcomes, cancel);
            if (leaderMember is not null)
            {
                try
                {
                    var connection = await _leaderConnection.OpenAsync(PostgresConnections.ConnectionString(leaderMember.PostgresPort, ClusterPlan.Superuser, _secrets!.Superuser, CaFile(leaderMember)), cancel);
                    // Base-backup senders also show 'streaming'; only walsenders named after a member count.
                    await using (var command = new NpgsqlCommand("SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'", connection))
                    await using (var reader = await command.ExecuteReaderAsync(cancel))
                    {
                        while (await reader.ReadAsync(cancel))
                        {
                            streaming.Add(reader.GetString(0));
                        }
                    }

                    usersApplied = await EnsureUsersAsync(connection, outcomes, cancel);
                    await EnsureMonitorRoleAsync(connection, outcomes, cancel);
                    await EnsurePgBouncerAuthAsync(connection, leaderMember, outcomes, cancel);
                    await NudgeLeaderAsync(client, leaderMember, members!, streaming, outcomes, cancel);
                    await RebuildStuckReplicasAsync(client, members!, streaming, outcomes, cancel);
                    archiveError = await ObserveBackupsAsync(leaderMember, connection, outcomes, cancel);
                    if (State.Restore is not null)
                    {
                        restoredTimeline = await CurrentTimelineAsync(connection, cancel);
                    }
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
                {
                    await _leaderConnection.CloseAsync();
                    diagnosis = $"the agent could not query the primary {leader.Name}: {e.Message}";
                }
            }

            writable = await endpointWritable;
            if (writable && State.Restore is { } restore)
            {
                FinishRestore(restore, leader.Name, restoredTimeline ?? leader.Timeline, outcomes);
            }
        }
        else if (_members.Count > 0)
        {
            diagnosis = _members.Select(m => LogDiagnosis.Explain(RestoreTail(m.PatroniLog), Plan.PostgresVersion)).FirstOrDefault(d => d is not null);
            if (diagnosis is not null && State.Restore is not null && State.LastRestore is { Phase: RestorePhases.Running } running)
            {
                State.LastRestore = running with { Phase = RestorePhases.Failed, Message = diagnosis };
            }

            if (State.Restore is { } restore)
            {
                // Only Patroni's bootstrap needs bringing forward. A restore in place wakes its
                // Patroni when it must (RestoreHandoverWatch: as the restored postmaster starts,
                // then at the promotion); woken at other moments of the recovery, a loop fails its
                // queries and can sleep in Patroni's retry past the promotion (seen here: the
                // leader key up to 0.4 s late).
                if (restore.Member is null)
                {
                    await ResumeRecoveryAtTargetAsync(outcomes, cancel);
                    await WakeBootstrapAsync(leaderKey, cancel);
                }
            }
        }

        return new Observation(members, streaming, writable, usersApplied, pids, diagnosis, archiveError,
            State.Restore is not null ? State.LastRestore : null, State.Restore?.Member is not null);
    }

    /// <summary>
    /// A replica that finished its base backup streams only once the leader has created its
    /// slot, which the leader does on its next HA cycle — up to loop_wait (10 s) later. Patroni
    /// wakes a member's cycle on any PATCH /config, so a no-op patch (ttl set to its own value)
    /// makes the leader act now. At most once a second.
    /// </summary>
    private async Task NudgeLeaderAsync(PatroniClient client, LocalMember leader, IReadOnlyList<PatroniMember> members, HashSet<string> streaming, List<string> outcomes, CancellationToken cancel)
    {
        var waiting = members.Where(m => !m.IsLeader && m.State == "running" && !streaming.Contains(m.Name)).Select(m => m.Name).ToList();
        var now = _clock.GetUtcNow();
        if (waiting.Count == 0 || now - _lastNudge < TimeSpan.FromSeconds(1))
        {
            return;
        }

        _lastNudge = now;
        var (ok, message) = await client.PatchConfigAsync(leader.RestPort, new JsonObject { ["ttl"] = Plan.Timings.Ttl }, cancel);
        outcomes.Add(ok
            ? $"woke the leader {leader.Name} so it creates replication slots for {string.Join(", ", waiting)} now rather than on its next loop"
            : $"could not wake the leader {leader.Name}: {message}");
    }

    /// <summary>
    /// Rebuilds replicas that cannot recover by themselves, with a fresh base backup from the
    /// leader (Patroni's reinitialize). Two cases, both measured here with Patroni 3.0.2: a
    /// former primary whose timeline diverged (it holds WAL the new primary never received) and
    /// that pg_rewind did not fix, after 10 s; and a member stuck "starting" for a minute while
    /// a leader runs — after a second failure during its pg_rewind, Patroni starts it as a
    /// standby with no primary and waits 300 s before trying anything else. What is discarded is
    /// WAL no acknowledged commit depends on: in asynchronous mode it was lost at failover; in
    /// synchronous mode the standby had every acknowledged commit. A member whose data directory
    /// holds only Patroni's saved configuration is not rebuilt but emptied: Patroni copies the
    /// primary into it on its next loop.
    /// </summary>
    private async Task RebuildStuckReplicasAsync(PatroniClient client, IReadOnlyList<PatroniMember> members, HashSet<string> streaming, List<string> outcomes, CancellationToken cancel)
    {
        var now = _clock.GetUtcNow();
        foreach (var member in _members)
        {
            var seen = members.FirstOrDefault(m => m.Name == member.Name);
            if (seen is { IsLeader: false } && !streaming.Contains(member.Name) && PatroniCache.IsAllThatIsIn(member.DataDirectory))
            {
                // Patroni saved its configuration into the directory it was to copy the primary
                // into, then refuses it ("not empty, but system ID is invalid") and, its state
                // unchanged, is never taken for stuck: seen after a restore, for minutes.
                EmptyDirectory(member.DataDirectory);
                outcomes.Add($"emptied {member.Name}'s data directory, which held only Patroni's saved configuration, so Patroni copies the primary into it");
                continue;
            }

            if (seen is null || seen.IsLeader || streaming.Contains(member.Name) || seen.State is "running" or "creating replica")
            {
                _stuckSince.Remove(member.Name);
                continue;
            }

            if (seen.State == "start failed" && MovePostgresPortIfTaken(member, outcomes))
            {
                // Patroni reads the new port when it starts again, after Prepare has written it.
                await _patroni[member.Name].StopAsync(TimeSpan.FromSeconds(10), cancel);
                _stuckSince.Remove(member.Name);
                continue;
            }

            var since = _stuckSince.TryGetValue(member.Name, out var t) ? t : _stuckSince[member.Name] = now;
            var diverged = LogDiagnosis.ShowsDivergedTimeline(LogTail.Read(member.PatroniLog, 4096));
            if (now - since < TimeSpan.FromSeconds(diverged ? 10 : 60))
            {
                continue;
            }

            var (ok, message) = await client.ReinitializeAsync(member.RestPort, cancel);
            _stuckSince[member.Name] = now + TimeSpan.FromSeconds(60); // next attempt no sooner than two minutes
            var why = diverged
                ? "its timeline diverged: it had been primary and holds WAL the new primary never received, and pg_rewind did not run"
                : $"it has been {seen.State} for a minute while {Status?.Primary ?? "the leader"} leads" + (LogTail.LastLine(member.PatroniLog) is { } last ? $" (its Patroni log ended: {last})" : "");
            outcomes.Add(ok ? $"rebuilding {member.Name} from the leader because {why}" : $"could not rebuild {member.Name} ({why}): {message}");
        }
    }

    private async Task<bool> EndpointWritableAsync(LocalMember? leader, CancellationToken cancel)
    {
        if (leader is null)
        {
            return false;
        }

        try
        {
            await using var connection = await PostgresConnections.OpenAsync(PostgresConnections.ConnectionString(Plan.Port, ClusterPlan.Superuser, _secrets!.Superuser, CaFile(leader)), cancel);
            await using var command = new NpgsqlCommand("SELECT NOT pg_is_in_recovery()", connection);
            return await command.ExecuteScalarAsync(cancel) is true;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
        {
            return false;
        }
    }

    private async Task<bool> EnsureUsersAsync(NpgsqlConnection connection, List<string> outcomes, CancellationToken cancel)
    {
        var hash = Hash(Json.Serialize(Plan.Users, Json.Types.IReadOnlyListUserPlan) + Json.Serialize(_secrets!.Users.OrderBy(u => u.Key).ToList(), Json.Types.ListKeyValuePairStringString));
        if (State.AppliedUsersHash == hash)
        {
            return true;
        }

        await UserReconciler.ApplyAsync(connection, Plan.Users, _secrets.Users, cancel);
        State.AppliedUsersHash = hash;
        outcomes.Add($"created or updated users {string.Join(", ", Plan.Users.Select(u => u.Name))} and their databases");
        return true;
    }

    /// <summary>Patroni reads bootstrap.dcs once; later changes to timings and parameters go through PATCH /config.</summary>
    private async Task ApplyDynamicConfigurationAsync(PatroniClient client, LocalMember? leader, List<string> outcomes, CancellationToken cancel)
    {
        var desired = PatroniConfigBuilder.DynamicConfiguration(Plan);
        var json = Json.Serialize(desired, Json.Types.DictionaryStringObject);
        var hash = Hash(json);
        if (State.AppliedDynamicConfigHash is null)
        {
            State.AppliedDynamicConfigHash = hash; // bootstrap.dcs carried exactly this
            State.AppliedDynamicConfig = json;
            return;
        }

        if (State.AppliedDynamicConfigHash == hash || leader is null)
        {
            return;
        }

        var patch = JsonNode.Parse(json)!.AsObject();
        // Parameters removed from the spec must be sent as null for Patroni to drop them.
        if (State.AppliedDynamicConfig is { } before && JsonNode.Parse(before)?["postgresql"]?["parameters"] is JsonObject old)
        {
            var parameters = patch["postgresql"]!["parameters"]!.AsObject();
            foreach (var (key, _) in old.Where(p => !parameters.ContainsKey(p.Key)).ToList())
            {
                parameters[key] = null;
            }
        }

        var (ok, message) = await client.PatchConfigAsync(leader.RestPort, patch, cancel);
        if (ok)
        {
            State.AppliedDynamicConfigHash = hash;
            State.AppliedDynamicConfig = json;
            outcomes.Add("updated Patroni's dynamic configuration because the spec changed");
        }
        else
        {
            outcomes.Add($"could not update Patroni's dynamic configuration: {message}");
        }
    }

    /// <summary>The exporter's role: login, member of pg_monitor, password sent as a SCRAM verifier.</summary>
    private async Task EnsureMonitorRoleAsync(NpgsqlConnection connection, List<string> outcomes, CancellationToken cancel)
    {
        var hash = Plan.Exporter ? Hash(_secrets!.Monitor) : null;
        if (hash is null || State.AppliedMonitorHash == hash)
        {
            return;
        }

        await LocalExporters.EnsureRoleAsync(connection, _secrets!.Monitor, cancel);
        State.AppliedMonitorHash = hash;
        outcomes.Add($"created the monitoring role {ClusterPlan.MonitorUser} (member of pg_monitor)");
    }

    /// <summary>The lookup role and function PgBouncer's auth_query needs, in every database the spec names (once per change).</summary>
    private async Task EnsurePgBouncerAuthAsync(NpgsqlConnection connection, LocalMember leader, List<string> outcomes, CancellationToken cancel)
    {
        if (Plan.PgBouncer is null)
        {
            return;
        }

        var databases = PgBouncerAuth.Databases(Plan);
        var hash = Hash(string.Join(",", databases) + _secrets!.PgBouncer);
        if (State.AppliedPgBouncerAuthHash == hash)
        {
            return;
        }

        var superuser = _secrets.Superuser;
        await LocalPooler.EnsureAuthAsync(connection, (database, c) => PostgresConnections.OpenAsync(PostgresConnections.ConnectionString(leader.PostgresPort, ClusterPlan.Superuser, superuser, CaFile(leader), database), c), databases, _secrets.PgBouncer, cancel);

        State.AppliedPgBouncerAuthHash = hash;
        outcomes.Add($"prepared PgBouncer's password lookup in {string.Join(", ", databases)}");
    }

    public async Task<(bool Ok, string Message)> SwitchoverAsync(string? candidate, CancellationToken cancel)
    {
        var leader = Status?.Primary;
        var member = _members.FirstOrDefault(m => m.Name == leader);
        if (member is null)
        {
            return (false, "the cluster has no primary right now; wait until `tusk describe cluster` shows one");
        }

        if (candidate is not null && _members.All(m => m.Name != candidate))
        {
            return (false, $"\"{candidate}\" is not a member; members are {string.Join(", ", _members.Select(m => m.Name))}");
        }

        return await WatchedSwitchoverAsync(member.Name, member.RestPort, member.DataDirectory, candidate, cancel);
    }

    /// <summary>
    /// Asks the leader's Patroni for a switchover while a <see cref="SwitchoverWatch"/> shortens it.
    /// Patroni answers once the new leader holds the key, maybe just before it is promoted: the
    /// watch gets a few seconds more to route the endpoint to it.
    /// </summary>
    private async Task<(bool Ok, string Message)> WatchedSwitchoverAsync(string leader, int restPort, string dataDirectory, string? candidate, CancellationToken cancel)
    {
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var others = _members.Where(m => m.Name != leader).Select(m => (m.Name, m.DataDirectory)).ToList();
        var watch = new SwitchoverWatch((leader, dataDirectory), others, SetPrimaryHealthAsync, c => DeleteLeaderKeyAsync(leader, c)).RunAsync(watching.Token);
        var result = await Patroni.SwitchoverAsync(restPort, leader, candidate, cancel);
        watching.CancelAfter(result.Ok ? TimeSpan.FromSeconds(5) : TimeSpan.Zero);
        return await watch is { } note && result.Ok ? (true, $"{result.Message}; {note}") : result;
    }

    public async Task<(bool Ok, string Message)> FailoverAsync(string candidate, CancellationToken cancel)
    {
        var member = _members.FirstOrDefault(m => m.Name == candidate);
        if (member is null)
        {
            return (false, $"\"{candidate}\" is not a member; members are {string.Join(", ", _members.Select(m => m.Name))}");
        }

        return await Patroni.FailoverAsync(member.RestPort, candidate, cancel);
    }

    /// <summary>
    /// Stops every process of the cluster: PgBouncer, the exporters and HAProxy, then replicas,
    /// then the leader (so no failover is triggered on the way down). With <paramref name="immediately"/>
    /// the members stop together and PostgreSQL without a checkpoint: for a restore, which sets
    /// their data aside (crash-consistent, as after a power cut) and starts anew.
    /// </summary>
    public async Task StopProcessesAsync(List<string>? outcomes = null, bool immediately = false)
    {
        await _leaderConnection.CloseAsync();
        await _pooler.StopAsync(outcomes, forget: false);
        await _exporters.StopAllAsync();

        if (_haproxy is not null && (_haproxy.IsAlive || File.Exists(Directory.HaproxyPid)))
        {
            await _haproxy.StopAsync(TimeSpan.FromSeconds(5));
            outcomes?.Add("stopped HAProxy");
        }

        if (immediately)
        {
            var stopped = await Task.WhenAll(_patroni.Select(async p => await StopMemberAsync(p.Key, p.Value, immediately) ? p.Key : null));
            outcomes?.AddRange(stopped.OfType<string>().Select(name => $"stopped {name}"));
            return;
        }

        foreach (var (name, process) in _patroni.OrderBy(p => p.Key == Status?.Primary ? 1 : 0).ToList())
        {
            if (await StopMemberAsync(name, process))
            {
                outcomes?.Add($"stopped {name}");
            }
        }
    }

    /// <summary>
    /// Stops a member's Patroni, which stops its PostgreSQL; a postmaster left behind (Patroni
    /// killed, or exiting mid-start) is stopped too. True when something was running.
    /// </summary>
    private async Task<bool> StopMemberAsync(string name, SupervisedProcess patroni, bool immediately = false)
    {
        var postmasterPidFile = Path.Combine(Directory.Member(name), "data", "postmaster.pid");
        var postmaster = ProcessProbe.ReadPidFile(postmasterPidFile);
        var running = patroni.IsAlive || File.Exists(patroni.Spec.PidFile);
        if (running)
        {
            // Immediately: Patroni is killed first, so it cannot start PostgreSQL again meanwhile.
            await patroni.StopAsync(immediately ? TimeSpan.Zero : TimeSpan.FromSeconds(60));
        }

        postmaster = ProcessProbe.ReadPidFile(postmasterPidFile) ?? postmaster;
        if (postmaster is { } pid && ProcessProbe.IsAlive(pid, Directory.Member(name)))
        {
            if (immediately)
            {
                ProcessProbe.Signal(pid, Native.SigQuit); // PostgreSQL's immediate shutdown
            }

            await Signals.TerminateAsync(pid, TimeSpan.FromSeconds(30));
            running = true;
        }

        return running;
    }

    /// <summary>Forgets the cluster: stops it, and with purge also deletes its data, secrets and DCS keys.</summary>
    public async Task DeleteAsync(bool purge, CancellationToken cancel)
    {
        if (!_prepared)
        {
            Prepare([]);
        }

        await StopProcessesAsync();
        if (purge)
        {
            try
            {
                await Etcd.DeletePrefixAsync(PatroniKey(""), cancel);
            }
            catch (Exception e) when (Transient.Is(e, cancel))
            {
                // etcd is down: the keys die with its data directory, and a new cluster of this name bootstraps anew anyway.
            }

            System.IO.Directory.Delete(Directory.Path, recursive: true);
        }
        else
        {
            File.Move(Directory.Manifest, Directory.Manifest + ".deleted", overwrite: true);
        }
    }

    /// <summary>Routes the primary endpoint to a member now (up) or away from it (down).</summary>
    private Task<string> SetPrimaryHealthAsync(string member, bool up, CancellationToken cancel) =>
        HaproxyAdmin.SetHealthAsync(Directory.HaproxySocket, HaproxyConfigBuilder.PrimaryBackend(Plan.Name), member, up, cancel);

    private async Task<string?> ReadLeaderKeyAsync(CancellationToken cancel)
    {
        try
        {
            return await Etcd.GetAsync(LeaderKey, cancel);
        }
        catch (Exception e) when (Transient.Is(e, cancel))
        {
            return null;
        }
    }

    private async Task<bool> DeleteLeaderKeyAsync(string member, CancellationToken cancel)
    {
        try
        {
            return await Etcd.DeleteIfEqualsAsync(LeaderKey, member, cancel);
        }
        catch (Exception e) when (Transient.Is(e, cancel))
        {
            return false;
        }
    }

    private void SetStatus(ClusterStatus status)
    {
        status.Certificates = _certificates;
        status.Backups = Plan.Backups is { } backups ? _backups.Status(backups) : null;
        status.Restore = State.LastRestore;
        State.CreatedAt ??= _clock.GetUtcNow();
        status.CreatedAt = State.CreatedAt;
        Status = status;

        // updatedAt changes on every cycle; alone, it is saved at most every 10 s, because each
        // save is a temporary file, an fsync and a rename, four times a second otherwise.
        var heartbeat = status.UpdatedAt;
        status.UpdatedAt = null;
        var content = Json.Serialize(status, Json.Types.ClusterStatus);
        status.UpdatedAt = heartbeat;
        var now = _clock.GetUtcNow();
        var changed = content != _savedStatus;
        if (changed || now - _statusSavedAt >= TimeSpan.FromSeconds(10))
        {
            SecretFile.WriteAllTextAtomic(Directory.Status, Json.Serialize(status, Json.Types.ClusterStatus), Modes.PublicFile);
            (_savedStatus, _statusSavedAt) = (content, now);
        }

        if (changed)
        {
            StatusChanges.Changed();
        }
    }

    /// <summary>The ports this cluster's members hold.</summary>
    private HashSet<int> TakenPorts() => [.. State.Members.Values.SelectMany(p => new[] { p.Postgres, p.Rest, p.Exporter ?? 0 })];

    private void SaveState() => SecretFile.WriteAllTextAtomicIfChanged(Directory.State, Json.Serialize(State, Json.Types.ClusterState), Modes.PrivateFile);

    /// <summary>A log's tail; while a restore runs, only what was written since it began.</summary>
    private string RestoreTail(string path, int bytes = 16384) =>
        LogTail.Read(path, bytes, State.Restore is null ? 0 : _logLengthsAtRestore.GetValueOrDefault(path));

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static void Add(List<string> outcomes, string? outcome)
    {
        if (outcome is not null)
        {
            outcomes.Add(outcome);
        }
    }
}
