using System.Globalization;
using System.Text.Json.Nodes;
using Tusk.Kubernetes.Client;

namespace Tusk.Kubernetes.Controller;

/// <summary>
/// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it:
/// the holder renews the lease every <see cref="RetryPeriod"/>; another candidate takes it over
/// once it has seen the same record unchanged for <see cref="LeaseDuration"/> (judged by its own
/// clock, so clock skew between nodes does not matter); every write carries the resourceVersion
/// it read, so two candidates cannot both win. A leader that cannot renew within
/// <see cref="RenewDeadline"/> stops leading; a leader that stops releases the lease so the next
/// one need not wait.
/// </summary>
public sealed class LeaderElector(KubeClient client, string ns, string name, string identity, TimeProvider clock)
{
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>false only for tests that play a leader crashing (no release).</summary>
    public bool ReleaseOnStop { get; init; } = true;

    public string Identity => identity;

    /// <summary>At least one lease read succeeded: the API server answers and the permissions suffice.</summary>
    public bool ReachedServer { get; private set; }

    private string? _observedRecord;
    private DateTimeOffset _observedAt;
    private string? _holder;

    /// <summary>Told "became leader" / "lost the lease: ..." (for logs and tests).</summary>
    public event Action<string>? Transition;

    /// <summary>
    /// Campaigns until <paramref name="cancel"/> fires; while this candidate holds the lease it runs
    /// <paramref name="lead"/>, whose token is cancelled when leadership is lost.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task> lead, CancellationToken cancel)
    {
        while (!cancel.IsCancellationRequested)
        {
            if (!await TryAcquireOrRenewAsync(cancel))
            {
                if (!await PauseAsync(RetryPeriod, cancel))
                {
                    return;
                }

                continue;
            }

            Transition?.Invoke("became leader");
            using var leading = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            var work = lead(leading.Token);
            var lastRenew = clock.GetUtcNow();
            while (!cancel.IsCancellationRequested)
            {
                if (!await PauseAsync(RetryPeriod, cancel))
                {
                    break;
                }

                if (await TryAcquireOrRenewAsync(cancel))
                {
                    lastRenew = clock.GetUtcNow();
                }
                else if (clock.GetUtcNow() - lastRenew > RenewDeadline || HolderIsOther())
                {
                    Transition?.Invoke("lost the lease: it could not be renewed in time or another candidate holds it");
                    break;
                }
            }

            await leading.CancelAsync();
            await work;
            if (cancel.IsCancellationRequested && ReleaseOnStop)
            {
                await ReleaseAsync();
            }
        }
    }

    private bool HolderIsOther() => _holder is { Length: > 0 } h && h != identity;

    private async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancel)
    {
        try
        {
            var now = clock.GetUtcNow();
            var lease = await client.GetAsync(ApiResource.Lease, ns, name, cancel);
            ReachedServer = true;
            if (lease is null)
            {
                await client.CreateAsync(ApiResource.Lease, ns, NewLease(now, transitions: 0, acquired: now), cancel);
                _holder = identity;
                return true;
            }

            var spec = lease["spec"]?.AsObject() ?? [];
            var holder = spec["holderIdentity"]?.GetValue<string>() ?? "";
            var record = spec.ToJsonString();
            if (record != _observedRecord)
            {
                _observedRecord = record;
                _observedAt = now;
            }

            _holder = holder;
            var duration = TimeSpan.FromSeconds(spec["leaseDurationSeconds"]?.GetValue<int>() ?? (int)LeaseDuration.TotalSeconds);
            if (holder.Length > 0 && holder != identity && now - _observedAt < duration)
            {
                return false;
            }

            var transitions = spec["leaseTransitions"]?.GetValue<int>() ?? 0;
            var mine = holder == identity;
            var acquired = mine && spec["acquireTime"]?.GetValue<string>() is { } t ? DateTimeOffset.Parse(t, CultureInfo.InvariantCulture) : now;
            var updated = NewLease(now, mine ? transitions : transitions + 1, acquired);
            updated["metadata"]!["resourceVersion"] = lease["metadata"]!["resourceVersion"]!.GetValue<string>();
            var written = await client.ReplaceAsync(ApiResource.Lease, ns, updated, cancel);
            _observedRecord = written["spec"]!.ToJsonString();
            _observedAt = now;
            _holder = identity;
            return true;
        }
        catch (KubeApiException e) when (e.IsConflict || e.IsTransient || (e.Status == System.Net.HttpStatusCode.Forbidden && e.Message.Contains("being terminated", StringComparison.Ordinal)))
        {
            // Another candidate wrote first, or the server could not answer: try again next period.
            // (Any other refusal, such as a missing permission, is thrown: the operator cannot work without it.)
            return false;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // Stopping: the caller's loop ends (and releases the lease if it held it).
            return false;
        }
    }

    private async Task ReleaseAsync()
    {
        try
        {
            var lease = await client.GetAsync(ApiResource.Lease, ns, name);
            if (lease?["spec"]?["holderIdentity"]?.GetValue<string>() != identity)
            {
                return;
            }

            var released = NewLease(clock.GetUtcNow(), lease["spec"]!["leaseTransitions"]?.GetValue<int>() ?? 0, clock.GetUtcNow());
            released["spec"]!["holderIdentity"] = "";
            released["spec"]!["leaseDurationSeconds"] = 1;
            released["metadata"]!["resourceVersion"] = lease["metadata"]!["resourceVersion"]!.GetValue<string>();
            await client.ReplaceAsync(ApiResource.Lease, ns, released);
            Transition?.Invoke("released the lease");
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException)
        {
            // Best effort: the lease then expires by itself.
        }
    }

    private JsonObject NewLease(DateTimeOffset now, int transitions, DateTimeOffset acquired) => new()
    {
        ["apiVersion"] = "coordination.k8s.io/v1",
        ["kind"] = "Lease",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject
        {
            ["holderIdentity"] = identity,
            ["leaseDurationSeconds"] = (int)LeaseDuration.TotalSeconds,
            ["acquireTime"] = MicroTime(acquired),
            ["renewTime"] = MicroTime(now),
            ["leaseTransitions"] = transitions,
        },
    };

    /// <summary>Kubernetes' MicroTime: RFC 3339 with microseconds, in UTC.</summary>
    private static string MicroTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private async Task<bool> PauseAsync(TimeSpan delay, CancellationToken cancel)
    {
        try
        {
            await Task.Delay(delay, clock, cancel);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
