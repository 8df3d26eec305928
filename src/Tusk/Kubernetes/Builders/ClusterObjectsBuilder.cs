using System.Text.Json.Nodes;

namespace Tusk.Kubernetes.Builders;

/// <summary>
/// Every object a PostgresCluster owns: identity and configuration (and pgBackRest's
/// repository claims), then Services, then the StatefulSets and PgBouncer's Deployment whose
/// pods use them all (the controller applies the workloads after everything else). Pure:
/// the same request always gives the same objects.
/// </summary>
public static class ClusterObjectsBuilder
{
    public static IReadOnlyList<JsonObject> Build(BuildRequest r) =>
    [
        .. RbacBuilder.Build(r),
        .. SecretBuilder.Build(r),
        PatroniConfigMapBuilder.Build(r),
        .. PgBackRestBuilder.Build(r),
        .. PgBouncerBuilder.ConfigObjects(r),
        .. ServiceBuilder.Build(r),
        .. PgBouncerBuilder.Services(r),
        .. DisruptionBudgetBuilder.Build(r),
        .. StatefulSetBuilder.Build(r),
        .. PgBouncerBuilder.Deployments(r),
    ];
}
