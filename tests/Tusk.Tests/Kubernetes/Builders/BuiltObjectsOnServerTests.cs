using System.Text.Json.Nodes;
using Tusk.Kubernetes.Builders;
using Tusk.Kubernetes.Client;
using Tusk.Tests.Kubernetes.Crd;

namespace Tusk.Tests.Kubernetes.Builders;

/// <summary>The builders' objects against the real API server: accepted, every field kept, and re-applying them changes nothing.</summary>
[Collection(ApiServerGroup.Name)]
public sealed class BuiltObjectsOnServerTests(ApiServer server)
{
    private async Task<(string Ns, BuildRequest Request)> ClusterAsync(string yaml)
    {
        await CrdInstaller.InstallAsync(server.Admin);
        var ns = await Namespaces.CreateAsync(server.Admin);
        var request = BuildRequests.From(yaml, ns: ns);
        // The resource exists first, so the owner references point at its real UID.
        var manifest = (JsonObject)JsonNode.Parse(Json.Serialize(request.Cluster))!;
        manifest.Remove("status");
        var created = await server.Admin.ApplyAsync(ApiResource.PostgresCluster, ns, manifest, force: true);
        var pdbVersion = await server.Admin.ServesAsync("policy/v1") ? "policy/v1" : "policy/v1beta1";
        return (ns, request with { Uid = created["metadata"]!["uid"]!.GetValue<string>(), PodDisruptionBudgetApiVersion = pdbVersion });
    }

    [Theory]
    [InlineData(BuildRequests.Hippo)]
    [InlineData(BuildRequests.HippoWithSidecars)]
    public async Task Every_built_object_is_accepted_by_server_side_apply_with_no_field_dropped(string yaml)
    {
        var (ns, request) = await ClusterAsync(yaml);
        var objects = ClusterObjectsBuilder.Build(request);
        Assert.Contains(objects, o => o["apiVersion"]!.GetValue<string>() == "policy/v1beta1");
        foreach (var sent in objects)
        {
            var stored = await server.Admin.ApplyAsync(ApiResource.Of(sent), ns, sent, force: true);
            // Kubernetes 1.20 silently drops fields it does not know: a misspelt field would vanish here.
            var missing = FieldsKept.Missing(sent, stored);
            Assert.True(missing.Count == 0, $"{sent["kind"]}/{sent["metadata"]!["name"]}: the server did not keep {string.Join(", ", missing)}");
            Assert.Equal("tusk", stored["metadata"]!["managedFields"]![0]!["manager"]!.GetValue<string>());
        }
    }

    [Theory]
    [InlineData(BuildRequests.Hippo)]
    [InlineData(BuildRequests.HippoWithSidecars)]
    public async Task Applying_the_same_objects_again_changes_nothing(string yaml)
    {
        var (ns, request) = await ClusterAsync(yaml);
        var first = new List<string>();
        foreach (var o in ClusterObjectsBuilder.Build(request))
        {
            first.Add(Fingerprint(o, await server.Admin.ApplyAsync(ApiResource.Of(o), ns, o, force: true)));
        }

        var second = new List<string>();
        foreach (var o in ClusterObjectsBuilder.Build(request))
        {
            second.Add(Fingerprint(o, await server.Admin.ApplyAsync(ApiResource.Of(o), ns, o, force: true)));
        }

        Assert.Equal(first, second);
    }

    /// <summary>
    /// The resourceVersion; for StatefulSets and PersistentVolumeClaims the whole stored object but
    /// its resourceVersion and managedFields times. kube-apiserver 1.20 rewrites those two kinds on
    /// a no-op server-side apply (kubernetes/kubernetes#95460): measured here, a StatefulSet applied
    /// unchanged every 400 ms got a new resourceVersion whenever the second of its managedFields
    /// time changed, and a claim got one on its first re-apply — with nothing else different.
    /// </summary>
    private static string Fingerprint(JsonObject sent, JsonObject stored)
    {
        if (sent["kind"]!.GetValue<string>() is not ("StatefulSet" or "PersistentVolumeClaim"))
        {
            return stored["metadata"]!["resourceVersion"]!.GetValue<string>();
        }

        var content = stored.DeepClone().AsObject();
        var metadata = content["metadata"]!.AsObject();
        metadata.Remove("resourceVersion");
        foreach (var entry in metadata["managedFields"]!.AsArray())
        {
            entry!.AsObject().Remove("time");
        }

        return content.ToJsonString();
    }

    [Fact]
    public async Task Scaling_an_instance_set_changes_only_its_statefulset_replicas()
    {
        var (ns, request) = await ClusterAsync(BuildRequests.Hippo);
        var before = ClusterObjectsBuilder.Build(request);
        foreach (var o in before)
        {
            await server.Admin.ApplyAsync(ApiResource.Of(o), ns, o, force: true);
        }

        var scaledYaml = BuildRequests.Hippo.Replace("replicas: 3", "replicas: 4", StringComparison.Ordinal);
        var scaled = BuildRequests.From(scaledYaml, ns: ns) with { Uid = request.Uid, PodDisruptionBudgetApiVersion = request.PodDisruptionBudgetApiVersion };
        var changed = new List<string>();
        foreach (var o in ClusterObjectsBuilder.Build(scaled))
        {
            var old = await server.Admin.GetAsync(ApiResource.Of(o), ns, o["metadata"]!["name"]!.GetValue<string>());
            var now = await server.Admin.ApplyAsync(ApiResource.Of(o), ns, o, force: true);
            if (old!["metadata"]!["resourceVersion"]!.GetValue<string>() != now["metadata"]!["resourceVersion"]!.GetValue<string>())
            {
                changed.Add($"{o["kind"]}/{o["metadata"]!["name"]}");
            }

            if (o["kind"]!.GetValue<string>() == "StatefulSet")
            {
                Assert.Equal(4, now["spec"]!["replicas"]!.GetValue<int>());
            }
        }

        Assert.Equal([$"StatefulSet/{ObjectNames.StatefulSet("hippo", "instance1", request.Uid)}"], changed);
    }
}
