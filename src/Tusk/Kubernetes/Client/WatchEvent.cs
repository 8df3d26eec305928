using System.Text.Json.Nodes;

namespace Tusk.Kubernetes.Client;

/// <summary>One line of a watch stream: ADDED, MODIFIED, DELETED, BOOKMARK or ERROR, with its object.</summary>
public sealed record WatchEvent(string Type, JsonObject Item)
{
    public const string Added = "ADDED";
    public const string Modified = "MODIFIED";
    public const string Deleted = "DELETED";
    public const string Bookmark = "BOOKMARK";
    public const string Error = "ERROR";

    /// <summary>A synthetic event type the <see cref="ListWatcher"/> emits after each (re)list: the set of objects is now complete.</summary>
    public const string Synced = "SYNCED";
}
