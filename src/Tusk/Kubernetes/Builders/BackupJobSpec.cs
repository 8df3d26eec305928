namespace Tusk.Kubernetes.Builders;

/// <summary>One backup Job to create: its name, repository, pgBackRest type and why it runs ("manual" or "scheduled"); a schedule's slot names the run.</summary>
public sealed record BackupJobSpec(string Name, string Repo, string Type, string Reason, DateTimeOffset? Slot = null);
