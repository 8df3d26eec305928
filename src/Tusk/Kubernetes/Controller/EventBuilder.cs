using System.Globalization;
using System.Text.Json.Nodes;
using Tusk.Api;

namespace Tusk.Kubernetes.Controller;

/// <summary>
/// A core/v1 Event about a PostgresCluster, shown by <c>kubectl describe pgc</c> and
/// <c>kubectl get events</c>: the reason of the condition that changed, and its sentence.
/// Pure: the caller creates it.
/// </summary>
public static class EventBuilder
{
    public const string Component = "tusk-operator";

    public static JsonObject Build(JsonObject cluster, string type, string reason, string message, DateTimeOffset now)
    {
        var metadata = cluster["metadata"]!;
        var name = metadata["name"]!.GetValue<string>();
        var time = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject
            {
                ["generateName"] = name + ".",
                ["namespace"] = metadata["namespace"]?.DeepClone(),
            },
            ["involvedObject"] = new JsonObject
            {
                ["apiVersion"] = ApiVersions.Tusk,
                ["kind"] = ApiVersions.Kind,
                ["name"] = name,
                ["namespace"] = metadata["namespace"]?.DeepClone(),
                ["uid"] = metadata["uid"]?.DeepClone(),
            },
            ["type"] = type,
            ["reason"] = reason,
            // Kubernetes refuses event messages over 1 KiB.
            ["message"] = message.Length > 1024 ? message[..1021] + "..." : message,
            ["source"] = new JsonObject { ["component"] = Component },
            ["reportingComponent"] = Component,
            ["firstTimestamp"] = time,
            ["lastTimestamp"] = time,
            ["count"] = 1,
        };
    }
}
