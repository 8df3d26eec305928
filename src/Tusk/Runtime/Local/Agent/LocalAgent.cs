using Microsoft.Extensions.Logging;
using Tusk.Api;
using Tusk.Runtime.Local.Processes;

namespace Tusk.Runtime.Local.Agent;

/// <summary>
/// The local runtime's daemon: keeps etcd and every cluster's processes running and converges
/// each cluster on its stored spec, four times a second (fast enough to notice a dead leader
/// at once, cheap because a quiet cycle is a few /proc reads and HTTP calls on loopback).
/// </summary>
public sealed partial class LocalAgent : IAsyncDisposable
{
    /// <summary>
    /// Between cycles. Steps that must not wait for it wake the loop themselves (an apply, an
    /// action, the end of a restore's pgBackRest, the restored member taking the leader key).
    /// No faster tick while a restore runs: 20 cycles a second, each asking Patroni and etcd,
    /// cost about 0.4 s of CPU beside a 4 s restore on two cores, and gained nothing.
    /// </summary>
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Dictionary<string, LocalCluster> _clusters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ReconcileCounters> _counters = new(StringComparer.Ordinal);
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) }) { Timeout = TimeSpan.FromSeconds(90) }; // each call sets its own, shorter limit
    private readonly TuskHome _home;
    private readonly ServiceAccount _account;
    private readonly ProcessLauncher _launcher;
    private readonly TimeProvider _clock;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CertificatePolicy _certificatePolicy;
    private EtcdServer? _etcd;

    public LocalAgent(TuskHome home, TimeProvider clock, ILogger log)
    {
        (_home, _clock, _log) = (home, clock, log);
        _account = ServiceAccount.Current();
        _launcher = new ProcessLauncher(_account);
        _certificatePolicy = CertificatePolicy.From(Environment.GetEnvironmentVariable);
    }

    public CancellationToken Stopping => _stopping.Token;

    private EtcdServer Etcd => _etcd ??= new EtcdServer(_home, _account, _launcher, _clock);

    /// <summary>
    /// Loads every stored spec and runs one reconcile cycle, so that the status the API serves
    /// afterwards is observed by this agent, not the one an earlier agent left on disk.
    /// </summary>
    public async Task LoadAsync(CancellationToken cancel)
    {
        Directory.CreateDirectory(_home.ClustersDirectory);
        File.SetUnixFileMode(_home.Root, Modes.SharedDirectory);
        foreach (var manifest in Directory.EnumerateFiles(_home.ClustersDirectory, "manifest.json", SearchOption.AllDirectories))
        {
            var cluster = Json.Deserialize(await File.ReadAllTextAsync(manifest, cancel), Json.Types.PostgresCluster);
            if (cluster is not null)
            {
                _clusters[cluster.Key] = NewCluster(cluster);
            }
        }

        LogStarted(_log, _clusters.Count);
        await ReconcileAllAsync(cancel);
    }

    /// <summary>Reconciles until stopped.</summary>
    public async Task RunAsync(CancellationToken cancel)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel, _stopping.Token);
        while (!linked.IsCancellationRequested)
        {
            await ReconcileAllAsync(linked.Token);
            try
            {
                // The next cycle comes after a tick, or at once when an apply or an action asks for it.
                await _wake.WaitAsync(Tick, linked.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task ReconcileAllAsync(CancellationToken cancel)
    {
        await _gate.WaitAsync(cancel);
        try
        {
            if (_clusters.Count == 0 || _stopping.IsCancellationRequested)
            {
                return;
            }

            if (Etcd.Ensure() is { } started)
            {
                LogOutcome(_log, "etcd", started);
            }

            foreach (var (key, cluster) in _clusters)
            {
                var since = _clock.GetTimestamp();
                var failed = false;
                try
                {
                    foreach (var outcome in await cluster.ReconcileAsync(cancel))
                    {
                        LogOutcome(_log, key, outcome);
                    }
                }
                catch (Exception e) when (!cancel.IsCancellationRequested)
                {
                    failed = true;
                    LogReconcileFailed(_log, key, e);
                }

                lock (_counters)
                {
                    (_counters.TryGetValue(key, out var counters) ? counters : _counters[key] = new()).Record(_clock.GetElapsedTime(since), failed);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<ApplyResponse> ApplyAsync(ApplyRequest request, CancellationToken cancel)
    {
        await _gate.WaitAsync(cancel);
        try
        {
            var owned = _clusters.Values.SelectMany(c => c.OwnedPorts).ToHashSet();
            var checkedClusters = ClusterManifest.Check(request.Text, request.File, LocalHostFacts.Create(owned));
            var errors = new List<string>();
            foreach (var c in checkedClusters)
            {
                errors.AddRange(c.Errors.Select(p => p.ToString()));
                var conflict = _clusters.Values.FirstOrDefault(o => o.Cluster.Key != c.Cluster.Key && o.OwnedPorts.Intersect([c.Cluster.Spec.Port!.Value, c.Cluster.Spec.Port!.Value + 1]).Any());
                if (conflict is not null)
                {
                    errors.Add($"{request.File}: spec.port: {c.Cluster.Spec.Port} is already used by cluster {conflict.Cluster.Key} (its endpoints take ports {conflict.Plan.Port} and {conflict.Plan.Port + 1}); choose another port");
                }
            }

            foreach (var c in checkedClusters.Where(c => !c.Errors.Any() && !_clusters.ContainsKey(c.Cluster.Key)))
            {
                errors.AddRange(await CloneProblemsAsync(c.Cluster, request.File, cancel));
            }

            var warnings = checkedClusters.SelectMany(c => c.Warnings).Select(p => p.ToString()).ToList();
            if (errors.Count > 0)
            {
                return new ApplyResponse(false, errors, warnings, []);
            }

            var applied = new List<AppliedCluster>();
            foreach (var cluster in checkedClusters.Select(c => c.Cluster))
            {
                var result = request.DryRun ? "valid" : await StoreAsync(cluster, cancel);
                var generation = _clusters.TryGetValue(cluster.Key, out var stored) ? stored.State.Generation : 0;
                applied.Add(new AppliedCluster(cluster.Metadata.Namespace!, cluster.Metadata.Name!, result, generation));
            }

            Wake();
            return new ApplyResponse(true, [], warnings, applied);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<string> StoreAsync(PostgresCluster cluster, CancellationToken cancel)
    {
        var json = Json.Serialize(cluster, Json.Types.PostgresCluster);
        var directory = new ClusterDirectory(_home.ClusterDirectory(cluster.Metadata.Namespace!, cluster.Metadata.Name!));
        if (_clusters.TryGetValue(cluster.Key, out var existing))
        {
            if (Json.Serialize(existing.Cluster, Json.Types.PostgresCluster) == json)
            {
                return "unchanged";
            }

            existing.Update(cluster);
            Security.SecretFile.WriteAllTextAtomic(directory.Manifest, json, Modes.PublicFile);
            return "configured";
        }

        Directory.CreateDirectory(directory.Path);
        Security.SecretFile.WriteAllTextAtomic(directory.Manifest, json, Modes.PublicFile);
        var created = _clusters[cluster.Key] = NewCluster(cluster);
        if (created.Plan.CloneFrom is { } clone && _clusters.TryGetValue($"{clone.Namespace}/{clone.Cluster}", out var source))
        {
            // The source's newest WAL goes to its repository first, so the clone can reach "now".
            var outcomes = new List<string>();
            await source.ArchiveLatestWalAsync(outcomes, cancel);
            outcomes.ForEach(o => LogOutcome(_log, source.Cluster.Key, o));
            created.BeginClone(source.RepoPath(clone.Repo)!);
        }

        return "created";
    }

    /// <summary>
    /// A new clone needs its source here, with the repository it names holding a backup; and
    /// no repository of any cluster may be shared (a clone must never archive into its source's).
    /// </summary>
    private async Task<List<string>> CloneProblemsAsync(PostgresCluster cluster, string file, CancellationToken cancel)
    {
        var problems = new List<string>();
        var plan = Planning.ClusterPlanner.Plan(cluster);
        var taken = _clusters.Values.SelectMany(c => c.Plan.Backups?.Repos.Select(r => (Cluster: c.Cluster.Key, Path: c.RepoPath(r.Name))) ?? []).ToList();
        foreach (var repo in plan.Backups?.Repos.Where(r => r.Path is not null) ?? [])
        {
            if (taken.FirstOrDefault(t => t.Path == repo.Path) is { Cluster: not null } owner)
            {
                problems.Add($"{file}: spec.backups.pgbackrest.repos: {repo.Name}'s path {repo.Path} is a repository of cluster {owner.Cluster}; give this cluster a directory of its own");
            }
        }

        if (plan.CloneFrom is not { } clone)
        {
            return problems;
        }

        const string at = "spec.dataSource.postgresCluster";
        if (!_clusters.TryGetValue($"{clone.Namespace}/{clone.Cluster}", out var source))
        {
            problems.Add($"{file}: {at}.clusterName: there is no cluster {clone.Namespace}/{clone.Cluster} to clone; `tusk get clusters` lists them");
        }
        else if (source.RepoPath(clone.Repo) is null)
        {
            problems.Add($"{file}: {at}.repoName: cluster {clone.Cluster} has no repository {clone.Repo ?? "at all"}; clone from one it declares in spec.backups.pgbackrest.repos");
        }
        else
        {
            var repo = clone.Repo ?? source.Plan.Backups!.Repos[0].Name;
            var (backups, message) = await source.ListBackupsAsync(cancel);
            var usable = backups?.Where(b => b.Repo == repo).ToList() ?? [];
            if (usable.Count == 0)
            {
                problems.Add($"{file}: {at}: cluster {clone.Cluster} has no backup to clone from yet{(backups is null ? $" ({message})" : "")}; take one with `tusk backup {clone.Cluster} --wait`");
            }
            else if (clone.Target.NoBackupToStartFrom(usable) is { } unreachable)
            {
                problems.Add($"{file}: {at}.options: {clone.Cluster}'s {repo}: {unreachable}");
            }
        }

        return problems;
    }

    private LocalCluster NewCluster(PostgresCluster cluster) => new(cluster, _home, _account, _launcher, Etcd, _http, _clock, _certificatePolicy, Wake);

    public IReadOnlyList<PostgresCluster> List() =>
        _clusters.Values.OrderBy(c => c.Cluster.Key, StringComparer.Ordinal).Select(View).ToList();

    /// <summary>Prometheus metrics of the agent and of every cluster it runs.</summary>
    public string Metrics()
    {
        var clusters = List();
        lock (_counters)
        {
            return AgentMetrics.Render(clusters, _counters);
        }
    }

    /// <summary>
    /// The cluster and its status version; when the caller has seen <paramref name="seen"/>, once
    /// the status has moved on from it or <paramref name="wait"/> has passed, whichever is first.
    /// </summary>
    public async Task<(PostgresCluster? Cluster, long Version)> GetAsync(string ns, string name, long? seen, TimeSpan wait, CancellationToken cancel)
    {
        if (!_clusters.TryGetValue($"{ns}/{name}", out var cluster))
        {
            return (null, 0);
        }

        // The version is read before the status: a reader may get a status newer than its
        // version (and one extra answer), never one older.
        var version = seen is { } known ? await cluster.StatusChanges.WaitForChangeAsync(known, wait, _clock, cancel) : cluster.StatusChanges.Version;
        return (View(cluster), version);
    }

    private static PostgresCluster View(LocalCluster c) => new()
    {
        ApiVersion = c.Cluster.ApiVersion,
        Kind = c.Cluster.Kind,
        Metadata = c.Cluster.Metadata,
        Spec = c.Cluster.Spec,
        Status = c.Status,
    };

    public async Task<ActionResponse> DeleteAsync(string ns, string name, bool purge, CancellationToken cancel)
    {
        await _gate.WaitAsync(cancel);
        try
        {
            if (!_clusters.Remove($"{ns}/{name}", out var cluster))
            {
                return NotFound(ns, name);
            }

            await cluster.DeleteAsync(purge, cancel);
            return new ActionResponse(true, purge
                ? $"deleted cluster {ns}/{name} and purged its data"
                : $"deleted cluster {ns}/{name}; its data is kept in {cluster.Directory.Path} (apply the same name again to start it, or delete with --purge)");
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task<ActionResponse> SwitchoverAsync(string ns, string name, string? candidate, CancellationToken cancel) =>
        OnClusterAsync(ns, name, c => c.SwitchoverAsync(candidate, cancel));

    public Task<ActionResponse> FailoverAsync(string ns, string name, string candidate, CancellationToken cancel) =>
        OnClusterAsync(ns, name, c => c.FailoverAsync(candidate, cancel));

    private async Task<ActionResponse> OnClusterAsync(string ns, string name, Func<LocalCluster, Task<(bool Ok, string Message)>> action)
    {
        // Not under the gate: Patroni takes seconds to switch over, and the loop must keep observing meanwhile.
        if (!_clusters.TryGetValue($"{ns}/{name}", out var cluster))
        {
            return NotFound(ns, name);
        }

        var (ok, message) = await action(cluster);
        Wake();
        return new ActionResponse(ok, message);
    }

    /// <summary>Starts a backup; the answer carries the job's id, which status.backups.lastJob names when it ends.</summary>
    public ActionResponse Backup(string ns, string name, BackupRequest request)
    {
        if (!_clusters.TryGetValue($"{ns}/{name}", out var cluster))
        {
            return NotFound(ns, name);
        }

        var (ok, message, id) = cluster.StartBackup(request.Repo, request.Type);
        Wake();
        return new ActionResponse(ok, message, id);
    }

    public async Task<(IReadOnlyList<BackupRecord>? Backups, string Message)> ListBackupsAsync(string ns, string name, CancellationToken cancel) =>
        _clusters.TryGetValue($"{ns}/{name}", out var cluster)
            ? await cluster.ListBackupsAsync(cancel)
            : (null, NotFound(ns, name).Message);

    /// <summary>Restores a cluster in place, or aborts its restore. Under the gate: no reconcile cycle may restart what the restore stops.</summary>
    public async Task<ActionResponse> RestoreAsync(string ns, string name, RestoreRequest request, CancellationToken cancel)
    {
        var (target, problem) = Planning.Backups.RestoreTarget.FromOptions(request.Options);
        if (target is null && !request.Abort)
        {
            return new ActionResponse(false, problem!);
        }

        await _gate.WaitAsync(cancel);
        try
        {
            if (!_clusters.TryGetValue($"{ns}/{name}", out var cluster))
            {
                return NotFound(ns, name);
            }

            var outcomes = new List<string>();
            var (ok, message) = request.Abort
                ? await cluster.AbortRestoreAsync(outcomes, cancel)
                : await cluster.RestoreAsync(target!, request.Repo, request.Yes, outcomes, cancel);
            foreach (var outcome in outcomes)
            {
                LogOutcome(_log, cluster.Cluster.Key, outcome);
            }

            Wake();
            return new ActionResponse(ok, message);
        }
        finally
        {
            _gate.Release();
        }
    }

    public static ActionResponse NotFound(string ns, string name) => new(false, $"there is no cluster {ns}/{name}; `tusk get clusters` lists them");

    /// <summary>Stops the agent. With stopClusters, every cluster's processes and etcd stop too (data is kept).</summary>
    public async Task<ActionResponse> ShutdownAsync(bool stopClusters, CancellationToken cancel)
    {
        await _gate.WaitAsync(cancel);
        try
        {
            if (stopClusters)
            {
                foreach (var cluster in _clusters.Values)
                {
                    await cluster.StopProcessesAsync();
                }

                await Etcd.StopAsync();
            }

            _stopping.Cancel();
            return new ActionResponse(true, stopClusters ? "agent stopped with every cluster and etcd (data kept)" : "agent stopped; clusters keep running and the next agent adopts them");
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another caller woke the loop first; one wake-up is enough.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _wake.Dispose();
        _http.Dispose();
        _gate.Dispose();
        _stopping.Dispose();
        await Task.CompletedTask;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "agent started with {Count} clusters")]
    private static partial void LogStarted(ILogger log, int count);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "{Cluster}: {Outcome}")]
    private static partial void LogOutcome(ILogger log, string cluster, string outcome);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "{Cluster}: reconcile failed")]
    private static partial void LogReconcileFailed(ILogger log, string cluster, Exception error);
}
