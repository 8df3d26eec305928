namespace Tusk.Tests.Kubernetes;

/// <summary>All tests against the real API server share one etcd + kube-apiserver (starting one takes seconds).</summary>
[CollectionDefinition(Name)]
public sealed class ApiServerGroup : ICollectionFixture<ApiServer>
{
    public const string Name = "kube-apiserver";
}
