using System.Text.Json.Nodes;

namespace Tusk.Kubernetes.Builders;

/// <summary>
/// The identity Patroni runs under in the cluster's pods, with least privilege for Patroni's
/// Kubernetes DCS in ConfigMap mode: its leader/config/sync ConfigMaps, and the pods of its
/// cluster (to read members and write the role label). No delete: only `patronictl remove`
/// needs it, and Tusk deletes the ConfigMaps itself through their owner. With backups on, a
/// second identity &lt;c&gt;-pgbackrest for the backup Jobs: read the cluster's pods and exec
/// into them (<see cref="BackupJobBuilder"/>), nothing else.
/// </summary>
public static class RbacBuilder
{
    public static readonly string[] ConfigMapVerbs = ["create", "get", "list", "patch", "update", "watch"];
    public static readonly string[] PodVerbs = ["get", "list", "patch", "update", "watch"];
    public static readonly string[] BackupPodVerbs = ["get", "list"];

    /// <summary>An exec over a WebSocket is a GET, which Kubernetes before 1.30 authorizes as "get" (kubectl's SPDY POST as "create").</summary>
    public static readonly string[] ExecVerbs = ["create", "get"];

    public static IReadOnlyList<JsonObject> Build(BuildRequest r)
    {
        var patroni = Identity(r, ObjectNames.Instance(r.Name), "patroni", Rule("configmaps", ConfigMapVerbs), Rule("pods", PodVerbs));
        return r.Plan.Backups is null
            ? patroni
            : [.. patroni, .. Identity(r, ObjectNames.PgBackRest(r.Name), "pgbackrest", Rule("pods", BackupPodVerbs), Rule("pods/exec", ExecVerbs))];
    }

    private static IReadOnlyList<JsonObject> Identity(BuildRequest r, string name, string labelRole, params JsonObject[] rules)
    {
        var labels = Labels.For(r.Name, role: labelRole);
        var account = Meta.Object("v1", "ServiceAccount", Meta.Owned(r, name, labels.DeepClone().AsObject()));
        account["automountServiceAccountToken"] = true;

        var role = Meta.Object("rbac.authorization.k8s.io/v1", "Role", Meta.Owned(r, name, labels.DeepClone().AsObject()));
        role["rules"] = new JsonArray(rules);

        var binding = Meta.Object("rbac.authorization.k8s.io/v1", "RoleBinding", Meta.Owned(r, name, labels.DeepClone().AsObject()));
        binding["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "Role", ["name"] = name };
        binding["subjects"] = new JsonArray(new JsonObject { ["kind"] = "ServiceAccount", ["name"] = name, ["namespace"] = r.Namespace });
        return [account, role, binding];
    }

    private static JsonObject Rule(string resource, string[] verbs) => new()
    {
        ["apiGroups"] = new JsonArray(""),
        ["resources"] = new JsonArray(resource),
        ["verbs"] = Meta.Strings(verbs),
    };
}
