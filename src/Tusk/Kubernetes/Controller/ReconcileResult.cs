namespace Tusk.Kubernetes.Controller;

/// <summary>How a reconcile cycle ended, in one sentence (it also goes into status.lastOutcome), and when to look again.</summary>
public sealed record ReconcileResult(string Outcome, TimeSpan? RequeueAfter = null);
