namespace Tusk.Api;

/// <summary>A Kubernetes-style condition: Ready, Progressing or Degraded, with a reason and a sentence.</summary>
public sealed record Condition(string Type, string Status, string Reason, string Message, DateTimeOffset LastTransitionTime)
{
    /// <summary>The condition as observed now; it keeps the previous status's lastTransitionTime when its value did not change, as Kubernetes conditions do.</summary>
    public static Condition Observe(ClusterStatus? previous, string type, bool isTrue, string reason, string message, DateTimeOffset now)
    {
        var status = isTrue ? "True" : "False";
        var before = previous?.Conditions.FirstOrDefault(c => c.Type == type);
        return new Condition(type, status, reason, message, before?.Status == status ? before.LastTransitionTime : now);
    }
}
