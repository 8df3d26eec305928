using System.Text.Json.Nodes;
using Tusk.Kubernetes.Builders;
using Tusk.Kubernetes.Client;
using Tusk.Kubernetes.Controller;
using Tusk.Tests.Kubernetes.Crd;

namespace Tusk.Tests.Kubernetes.Controller;

/// <summary>
/// The finalizer's cleanup rules against the real API server. There is no controller-manager
/// here: the tests create the data volume's claim as the StatefulSet controller would, and a
/// deleted claim keeps its kubernetes.io/pvc-protection finalizer, so "deleted" means marked.
/// </summary>
[Collection(ApiServerGroup.Name)]
public sealed class FinalizerTests(ApiServer server) : IAsyncLifetime
{
    private RunningOperator? _operator;
    private string _ns = "";

    public async Task InitializeAsync()
    {
        await CrdInstaller.InstallAsync(server.Admin);
        _ns = await Namespaces.CreateAsync(server.Admin, "fin");
        _operator = new RunningOperator(server.Admin, _ns, new Dictionary<string, string> { ["RELATED_IMAGE_POSTGRES_15"] = "tusk/postgres:15", [SidecarImages.PgBackRestVariable] = "tusk/postgres:15" });
    }

    public async Task DisposeAsync() => await _operator!.DisposeAsync();

    private static JsonObject Hippo(string? whenDeleted)
    {
        var cluster = JsonNode.Parse("""
            {"apiVersion": "tusk.dev/v1", "kind": "PostgresCluster", "metadata": {"name": "hippo"},
             "spec": {"postgresVersion": 15, "instances": [{"name": "instance1", "replicas": 1}],
                      "backups": {"pgbackrest": {"repos": [{"name": "repo1", "volume": {"volumeClaimSpec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}}]}}}}
            """)!.AsObject();
        if (whenDeleted is not null)
        {
            cluster["spec"]!["persistentVolumeClaimRetentionPolicy"] = new JsonObject { ["whenDeleted"] = whenDeleted };
        }

        return cluster;
    }

    private async Task WaitAsync(string what, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{what}: not within 60 s; {_operator!.LastWords()}");
            await Task.Delay(200);
        }
    }

    /// <summary>The cluster, its finalizer, its repository claim (the operator's) and a data claim (as the StatefulSet controller would make it).</summary>
    private async Task CreateAsync(string? whenDeleted)
    {
        await server.Admin.ApplyAsync(ApiResource.PostgresCluster, _ns, Hippo(whenDeleted), force: true, "kubectl");
        await WaitAsync("the finalizer and the repository claim", async () =>
            await server.Admin.GetAsync(ApiResource.PostgresCluster, _ns, "hippo") is { } c && ClusterFinalizer.IsPresent(c)
            && await server.Admin.GetAsync(ApiResource.PersistentVolumeClaim, _ns, "hippo-repo1") is not null);
        await server.Admin.CreateAsync(ApiResource.PersistentVolumeClaim, _ns, new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "PersistentVolumeClaim",
            ["metadata"] = new JsonObject { ["name"] = "pgdata-hippo-instance1-0", ["labels"] = Labels.For("hippo", "instance1", "pgdata") },
            ["spec"] = new JsonObject
            {
                ["accessModes"] = new JsonArray("ReadWriteOnce"),
                ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["storage"] = "1Gi" } },
            },
        });
    }

    private async Task DeleteAndWaitUntilGoneAsync()
    {
        await server.Admin.DeleteAsync(ApiResource.PostgresCluster, _ns, "hippo");
        await WaitAsync("the cluster is gone", async () => await server.Admin.GetAsync(ApiResource.PostgresCluster, _ns, "hippo") is null);
    }

    private async Task<List<string>> LiveClaimsAsync() =>
        [.. (await server.Admin.ListAsync(ApiResource.PersistentVolumeClaim, _ns)).Items
            .Where(c => c["metadata"]!["deletionTimestamp"] is null)
            .Select(c => c["metadata"]!["name"]!.GetValue<string>())
            .Order(StringComparer.Ordinal)];

    [Fact]
    public async Task By_default_a_deleted_cluster_leaves_its_data_and_repository_claims_behind()
    {
        await CreateAsync(whenDeleted: null);

        await DeleteAndWaitUntilGoneAsync();

        Assert.Equal(["hippo-repo1", "pgdata-hippo-instance1-0"], await LiveClaimsAsync());
        var repo = await server.Admin.GetAsync(ApiResource.PersistentVolumeClaim, _ns, "hippo-repo1");
        Assert.Null(repo!["metadata"]!["ownerReferences"]); // garbage collection would take it otherwise
    }

    [Fact]
    public async Task With_whenDeleted_Delete_the_finalizer_deletes_every_claim_of_the_cluster_before_it_goes()
    {
        await CreateAsync("Delete");

        await DeleteAndWaitUntilGoneAsync();

        Assert.Empty(await LiveClaimsAsync());
    }

    [Fact]
    public async Task Another_writer_re_applying_the_spec_keeps_the_operators_finalizer()
    {
        await CreateAsync(whenDeleted: null);

        await server.Admin.ApplyAsync(ApiResource.PostgresCluster, _ns, Hippo(whenDeleted: null), force: true, "kubectl");

        Assert.True(ClusterFinalizer.IsPresent((await server.Admin.GetAsync(ApiResource.PostgresCluster, _ns, "hippo"))!));
    }
}
