namespace Tusk.Runtime.Local;

/// <summary>The generated passwords of one cluster. Held in memory only as long as a reconcile needs them; stored 0600.</summary>
public sealed record ClusterSecrets(
    string Superuser,
    string Replication,
    string Rewind,
    string RestApi,
    string PgBouncer,
    string Monitor,
    IReadOnlyDictionary<string, string> Users);
