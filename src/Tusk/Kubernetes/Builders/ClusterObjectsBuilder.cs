using System.Text.Json.Nodes;

namespace Tusk.Kubernetes.Builders;

/// <summary>
/// Every object a PostgresCluster owns, in the order they are applied: identity and
/// configuration first, then Services, then the StatefulSets whose pods use them all. Pure:
/// the same request always gives the same objects.
/// </summary>
public static class ClusterObjectsBuilder
{
    public static IReadOnlyList<JsonObject> Build(BuildRequest r) =>
    [
        .. RbacBuilder.Build(r),
        .. SecretBuilder.Build(r),
        PatroniConfigMapBuilder.Build(r),
        .. ServiceBuilder.Build(r),
        .. DisruptionBudgetBuilder.Build(r),
        .. StatefulSetBuilder.Build(r),
    ];
}
