namespace Tusk.Runtime.Local.Clients;

/// <summary>
/// The one place that says which errors of a loopback call are transient: the server is down or
/// answered too late. The caller treats them as "not now" and the next cycle tries again; a
/// cancellation of the caller's own token is not transient, it is the agent stopping.
/// </summary>
public static class Transient
{
    public static bool Is(Exception error, CancellationToken caller) =>
        error is HttpRequestException || (error is OperationCanceledException && !caller.IsCancellationRequested);
}
