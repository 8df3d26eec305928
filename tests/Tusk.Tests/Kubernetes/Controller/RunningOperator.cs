using System.Collections.Concurrent;
using Tusk.Kubernetes.Client;
using Tusk.Kubernetes.Controller;

namespace Tusk.Tests.Kubernetes.Controller;

/// <summary>An operator running in-process against the test API server for one test, watching one namespace, with what it said.</summary>
internal sealed class RunningOperator : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Operator _operator;
    private readonly Task _running;

    public RunningOperator(KubeClient client, string ns, IReadOnlyDictionary<string, string> relatedImages)
    {
        // The pods are played (PlayedKubelet): no PostgreSQL listens at their addresses.
        _operator = new Operator(client, new OperatorOptions([ns], relatedImages) { ConnectToDatabases = false }, TimeProvider.System);
        _operator.Reconciled += (key, result) => Outcomes.Enqueue($"{key}: {result.Outcome}");
        _operator.Failed += (key, e) => Failures.Enqueue($"{key}: {e.Message}");
        _running = _operator.RunAsync(cancel: _stop.Token);
    }

    public ConcurrentQueue<string> Outcomes { get; } = new();
    public ConcurrentQueue<string> Failures { get; } = new();

    /// <summary>Its last outcomes and failures, for an assertion's message.</summary>
    public string LastWords() => $"outcomes: {string.Join(" | ", Outcomes.TakeLast(5))}; failures: {string.Join(" | ", Failures.TakeLast(5))}";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _operator.Dispose();
        _stop.Dispose();
    }
}
