namespace Tusk.Api;

/// <summary>Where clients connect: the primary (read-write) and replicas (read-only) endpoints.</summary>
public sealed record Endpoints(string Primary, string Replicas);
