namespace Tusk.Environments;

/// <summary>
/// One Kubernetes environment of the inventory (a k3d or kind cluster): its network and the host
/// ports it owns. Named so it does not clash with <see cref="System.Environment"/>.
/// </summary>
public sealed record KubeEnvironment(
    string Name,
    string Provider,
    string? Subnet,
    int? NodePort,
    int? PfPort,
    int? HttpPort,
    int? HttpsPort,
    IReadOnlyDictionary<string, string> Labels,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The port of a column, by its database name (node_port, pf_port, http_port, https_port).</summary>
    public int? Port(string column) => column switch
    {
        PortColumns.NodePort => NodePort,
        PortColumns.PfPort => PfPort,
        PortColumns.HttpPort => HttpPort,
        PortColumns.HttpsPort => HttpsPort,
        _ => throw new ArgumentOutOfRangeException(nameof(column), column, "not a port column"),
    };
}
