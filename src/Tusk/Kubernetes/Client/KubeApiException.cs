using System.Net;

namespace Tusk.Kubernetes.Client;

/// <summary>
/// The API server refused a request. <see cref="Reason"/> and the message come from its Status
/// object (e.g. "NotFound", "Forbidden", "Invalid", "Conflict", "Expired").
/// </summary>
public sealed class KubeApiException(HttpStatusCode status, string reason, string message, string method, string path)
    : Exception($"{method} {path}: {(int)status} {reason}: {message}")
{
    public HttpStatusCode Status { get; } = status;
    public string Reason { get; } = reason;
    public string ServerMessage { get; } = message;

    public bool IsNotFound => Status == HttpStatusCode.NotFound;
    public bool IsConflict => Status == HttpStatusCode.Conflict;

    /// <summary>410 Gone: a watch or list asked for a resourceVersion the server no longer keeps; relist.</summary>
    public bool IsGone => Status == HttpStatusCode.Gone;

    /// <summary>Worth retrying after a pause: throttled, timed out, or the server is not (yet) able to answer.</summary>
    public bool IsTransient => Status is HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError
        or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;
}
