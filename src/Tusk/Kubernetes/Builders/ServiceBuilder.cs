using System.Text.Json.Nodes;

namespace Tusk.Kubernetes.Builders;

/// <summary>
/// The cluster's Services: &lt;c&gt;-primary (read-write: the pod Patroni labels leader),
/// &lt;c&gt;-replicas (read-only: the pods Patroni labels replica) and the headless
/// &lt;c&gt;-pods that gives each pod a stable DNS name for replication.
/// </summary>
public static class ServiceBuilder
{
    public const string PostgresPortName = "postgres";
    public const string PatroniPortName = "patroni";
    public const int PatroniPort = 8008;

    public static IReadOnlyList<JsonObject> Build(BuildRequest r) =>
    [
        Service(r, ObjectNames.Primary(r.Name), "primary", Selector(r.Name, Labels.RoleLeader), headless: false),
        Service(r, ObjectNames.Replicas(r.Name), "replicas", Selector(r.Name, Labels.RoleReplica), headless: false),
        Service(r, ObjectNames.Pods(r.Name), "pods", new JsonObject { [Labels.Cluster] = r.Name }, headless: true),
    ];

    private static JsonObject Selector(string cluster, string role) => new() { [Labels.Cluster] = cluster, [Labels.Role] = role };

    private static JsonObject Service(BuildRequest r, string name, string role, JsonObject selector, bool headless)
    {
        var ports = new JsonArray(Port(PostgresPortName, r.Plan.Port));
        var spec = new JsonObject { ["selector"] = selector, ["ports"] = ports };
        if (headless)
        {
            ports.Add((JsonNode)Port(PatroniPortName, PatroniPort));
            spec["clusterIP"] = "None";
            // Replicas must find a starting member before it is ready.
            spec["publishNotReadyAddresses"] = true;
        }
        else
        {
            spec["type"] = "ClusterIP";
        }

        var service = Meta.Object("v1", "Service", Meta.Owned(r, name, Labels.For(r.Name, role: role)));
        service["spec"] = spec;
        return service;
    }

    private static JsonObject Port(string name, int port) => new()
    {
        ["name"] = name,
        ["port"] = port,
        ["protocol"] = "TCP",
        ["targetPort"] = name,
    };
}
