namespace Tusk.Runtime.Local.Agent;

/// <summary>`tusk backup`: the repository and type (null: the spec's manual settings).</summary>
public sealed record BackupRequest(string? Repo, string? Type);
