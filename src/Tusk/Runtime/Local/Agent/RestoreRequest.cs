namespace Tusk.Runtime.Local.Agent;

/// <summary>`tusk restore`: pgBackRest restore options naming the target, the repository, and the user's --yes.</summary>
public sealed record RestoreRequest(IReadOnlyList<string> Options, string? Repo, bool Yes);
