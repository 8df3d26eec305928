namespace Tusk.Tests.Kubernetes.Node;

/// <summary>All tests that need a real node share one (starting one takes about 15 s); each works in namespaces of its own.</summary>
[CollectionDefinition(Name)]
public sealed class KubeNodeGroup : ICollectionFixture<KubeNode>
{
    public const string Name = "kube-node";
}
