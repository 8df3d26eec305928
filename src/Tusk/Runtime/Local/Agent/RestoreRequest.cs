namespace Tusk.Runtime.Local.Agent;

/// <summary>`tusk restore`: pgBackRest restore options naming the target, the repository, and the user's --yes; or --abort, which gives up the restore under way.</summary>
public sealed record RestoreRequest(IReadOnlyList<string> Options, string? Repo, bool Yes, bool Abort = false);
