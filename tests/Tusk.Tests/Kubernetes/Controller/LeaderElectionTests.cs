using System.Collections.Concurrent;
using Tusk.Kubernetes.Client;
using Tusk.Kubernetes.Controller;
using Tusk.Tests.Kubernetes.Crd;

namespace Tusk.Tests.Kubernetes.Controller;

/// <summary>Two operators, one lease: only the holder reconciles, and the other takes over when it stops or crashes.</summary>
[Collection(ApiServerGroup.Name)]
public sealed class LeaderElectionTests(ApiServer server)
{
    private sealed class Candidate : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Operator _operator;
        private readonly Task _running;

        public Candidate(ApiServer server, string ns, string identity, bool releaseOnStop)
        {
            _operator = new Operator(server.Admin, new OperatorOptions([ns], new Dictionary<string, string> { ["RELATED_IMAGE_POSTGRES_15"] = "tusk/postgres:15" }), TimeProvider.System);
            _operator.Reconciled += (key, _) => Reconciled.Enqueue(key);
            Elector = new LeaderElector(server.Admin, ns, "tusk-operator", identity, TimeProvider.System)
            {
                LeaseDuration = TimeSpan.FromSeconds(3),
                RenewDeadline = TimeSpan.FromSeconds(2),
                RetryPeriod = TimeSpan.FromMilliseconds(300),
                ReleaseOnStop = releaseOnStop,
            };
            Elector.Transition += t => Transitions.Enqueue(t);
            _running = Elector.RunAsync(token => _operator.RunAsync(cancel: token), _stop.Token);
        }

        public LeaderElector Elector { get; }
        public ConcurrentQueue<string> Reconciled { get; } = new();
        public ConcurrentQueue<string> Transitions { get; } = new();
        public bool Leads => Transitions.LastOrDefault() == "became leader";

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _running;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_stop.IsCancellationRequested)
            {
                await StopAsync();
            }

            _operator.Dispose();
            _stop.Dispose();
        }
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(what);
            }

            await Task.Delay(100);
        }
    }

    private async Task<(string Ns, Candidate First, Candidate Second)> TwoCandidatesAsync(bool releaseOnStop)
    {
        await CrdInstaller.InstallAsync(server.Admin);
        var ns = await Namespaces.CreateAsync(server.Admin, "lease");
        var first = new Candidate(server, ns, "operator-a", releaseOnStop);
        await WaitAsync(() => first.Leads, "operator-a never became leader");
        var second = new Candidate(server, ns, "operator-b", releaseOnStop);
        return (ns, first, second);
    }

    [Fact]
    public async Task Only_the_lease_holder_reconciles_and_the_other_takes_over_when_it_stops()
    {
        var (ns, first, second) = await TwoCandidatesAsync(releaseOnStop: true);
        await using (first)
        await using (second)
        {
            await server.Admin.ApplyAsync(ApiResource.PostgresCluster, ns, CrdInstaller.ReadYaml("examples/hippo.yaml"), force: true);
            await WaitAsync(() => first.Reconciled.Contains($"{ns}/hippo"), "the leader did not reconcile hippo");
            Assert.False(second.Leads);
            Assert.Empty(second.Reconciled);

            await first.StopAsync();
            Assert.Contains("released the lease", first.Transitions);
            await WaitAsync(() => second.Leads, "operator-b did not take over");
            await WaitAsync(() => second.Reconciled.Contains($"{ns}/hippo"), "the new leader did not reconcile hippo");
            var lease = await server.Admin.GetAsync(ApiResource.Lease, ns, "tusk-operator");
            Assert.Equal("operator-b", lease!["spec"]!["holderIdentity"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_leader_that_stops_renewing_without_releasing_is_replaced_once_its_lease_runs_out()
    {
        var (ns, first, second) = await TwoCandidatesAsync(releaseOnStop: false);
        await using (first)
        await using (second)
        {
            var before = (await server.Admin.GetAsync(ApiResource.Lease, ns, "tusk-operator"))!["spec"]!["leaseTransitions"]!.GetValue<int>();
            await first.StopAsync();
            Assert.DoesNotContain("released the lease", first.Transitions);
            await WaitAsync(() => second.Leads, "operator-b did not take over an expired lease");
            var lease = (await server.Admin.GetAsync(ApiResource.Lease, ns, "tusk-operator"))!["spec"]!;
            Assert.Equal("operator-b", lease["holderIdentity"]!.GetValue<string>());
            Assert.Equal(before + 1, lease["leaseTransitions"]!.GetValue<int>());
        }
    }
}
