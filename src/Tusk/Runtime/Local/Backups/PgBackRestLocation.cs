namespace Tusk.Runtime.Local.Backups;

/// <summary>
/// Where pgBackRest finds one PostgreSQL server and keeps its own files: a local member's
/// directories, or a pod's mount points on Kubernetes.
/// </summary>
/// <param name="WorkDirectory">Holds spool/ (asynchronous archiving) and log/.</param>
public sealed record PgBackRestLocation(string DataDirectory, string SocketDirectory, int Port, string WorkDirectory, string LockDirectory);
