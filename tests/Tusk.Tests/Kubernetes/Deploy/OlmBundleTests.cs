using System.Text.Json.Nodes;
using Tusk.Kubernetes.Client;
using Tusk.Tests.Kubernetes.Crd;

namespace Tusk.Tests.Kubernetes.Deploy;

/// <summary>deploy/olm: the bundle OperatorHub users install (seed 003), kept identical to deploy/.</summary>
[Collection(ApiServerGroup.Name)]
public sealed class OlmBundleTests(ApiServer server)
{
    private static JsonObject Csv() => CrdInstaller.ReadYaml("deploy/olm/manifests/tusk.clusterserviceversion.yaml");

    private static JsonNode Install() => Csv()["spec"]!["install"]!["spec"]!;

    [Fact]
    public void The_bundle_owns_the_generated_CRD()
    {
        Assert.Equal(
            File.ReadAllText(Repository.File("deploy/crd/postgresclusters.tusk.dev.yaml")),
            File.ReadAllText(Repository.File("deploy/olm/manifests/postgresclusters.tusk.dev.crd.yaml")));
        var owned = Assert.Single(Csv()["spec"]!["customresourcedefinitions"]!["owned"]!.AsArray())!;
        Assert.Equal("postgresclusters.tusk.dev", owned["name"]!.GetValue<string>());
        Assert.Equal("v1", owned["version"]!.GetValue<string>());
        Assert.Equal("PostgresCluster", owned["kind"]!.GetValue<string>());
    }

    [Fact]
    public void The_install_strategy_is_the_deployment_and_roles_of_deploy()
    {
        var deployment = CrdInstaller.ReadYaml("deploy/operator/deployment.yaml");
        var install = Install();
        Assert.True(JsonNode.DeepEquals(deployment["spec"], install["deployments"]![0]!["spec"]), "the CSV's deployment differs from deploy/operator/deployment.yaml");
        Assert.True(JsonNode.DeepEquals(CrdInstaller.ReadYaml("deploy/rbac/cluster-role.yaml")["rules"], install["clusterPermissions"]![0]!["rules"]), "clusterPermissions differ from deploy/rbac/cluster-role.yaml");
        Assert.True(JsonNode.DeepEquals(CrdInstaller.ReadYaml("deploy/rbac/role.yaml")["rules"], install["permissions"]![0]!["rules"]), "permissions differ from deploy/rbac/role.yaml");
    }

    [Fact]
    public void Related_images_list_the_operator_and_every_default_database_image()
    {
        var container = CrdInstaller.ReadYaml("deploy/operator/deployment.yaml")["spec"]!["template"]!["spec"]!["containers"]![0]!;
        var expected = container["env"]!.AsArray()
            .Where(e => e!["name"]!.GetValue<string>().StartsWith("RELATED_IMAGE_", StringComparison.Ordinal))
            .Select(e => e!["value"]!.GetValue<string>())
            .Prepend(container["image"]!.GetValue<string>())
            .Order(StringComparer.Ordinal);
        var related = Csv()["spec"]!["relatedImages"]!.AsArray().Select(r => r!["image"]!.GetValue<string>()).Order(StringComparer.Ordinal);
        Assert.Equal(expected, related);
    }

    [Fact]
    public async Task The_alm_examples_are_accepted_by_the_API_server()
    {
        await CrdInstaller.InstallAsync(server.Admin);
        var ns = await Namespaces.CreateAsync(server.Admin, "olm");
        var examples = JsonNode.Parse(Csv()["metadata"]!["annotations"]!["alm-examples"]!.GetValue<string>())!.AsArray();
        Assert.NotEmpty(examples);
        foreach (var example in examples)
        {
            var created = await server.Admin.ApplyAsync(ApiResource.PostgresCluster, ns, example!.AsObject(), force: true);
            Assert.Empty(FieldsKept.Missing(example, created));
        }
    }

    [Fact]
    public void The_bundle_metadata_names_the_package_and_its_channel()
    {
        var annotations = CrdInstaller.ReadYaml("deploy/olm/metadata/annotations.yaml")["annotations"]!;
        Assert.Equal("registry+v1", annotations["operators.operatorframework.io.bundle.mediatype.v1"]!.GetValue<string>());
        Assert.Equal("tusk", annotations["operators.operatorframework.io.bundle.package.v1"]!.GetValue<string>());
        Assert.Equal("manifests/", annotations["operators.operatorframework.io.bundle.manifests.v1"]!.GetValue<string>());
        Assert.Equal("alpha", annotations["operators.operatorframework.io.bundle.channel.default.v1"]!.GetValue<string>());
    }
}
