namespace Tusk.Api;

/// <summary>A Kubernetes-style condition: Ready, Progressing or Degraded, with a reason and a sentence.</summary>
public sealed record Condition(string Type, string Status, string Reason, string Message, DateTimeOffset LastTransitionTime);
