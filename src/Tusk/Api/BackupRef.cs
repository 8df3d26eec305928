namespace Tusk.Api;

/// <summary>A backup by its pgBackRest label and when it completed.</summary>
public sealed record BackupRef(string Label, DateTimeOffset CompletedAt);
