namespace Tusk.Api;

/// <summary>Where clients connect: the primary (read-write) and replicas (read-only) endpoints, and the pooler when there is one (read-write, through PgBouncer).</summary>
public sealed record Endpoints(string Primary, string Replicas, string? PgBouncer = null);
