using System.Text.Json.Nodes;

namespace Tusk.Kubernetes.Builders;

/// <summary>The labels every object Tusk creates carries; selectors use the same keys.</summary>
public static class Labels
{
    public const string Cluster = "tusk.dev/cluster";
    public const string InstanceSet = "tusk.dev/instance-set";

    /// <summary>On pods, Patroni's role (master or replica; Patroni writes it); on other objects what they are for.</summary>
    public const string Role = "tusk.dev/role";

    /// <summary>The values Patroni writes into <see cref="Role"/> on the pods it runs in (Patroni 3.0's words).</summary>
    public const string RoleLeader = "master";
    public const string RoleReplica = "replica";
    public const string RoleUser = "pguser";

    public const string ManagedBy = "app.kubernetes.io/managed-by";

    public static JsonObject For(string cluster, string? set = null, string? role = null)
    {
        var labels = new JsonObject { [ManagedBy] = "tusk", [Cluster] = cluster };
        if (set is not null)
        {
            labels[InstanceSet] = set;
        }

        if (role is not null)
        {
            labels[Role] = role;
        }

        return labels;
    }
}
