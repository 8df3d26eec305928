using System.Net;
using System.Text.Json.Nodes;
using Tusk.Api.Schema;
using Tusk.Kubernetes.Client;

namespace Tusk.Tests.Kubernetes.Crd;

[Collection(ApiServerGroup.Name)]
public sealed class CrdTests(ApiServer server)
{
    [Fact]
    public void The_committed_CRD_is_what_the_resource_types_generate()
    {
        var committed = File.ReadAllText(Repository.File("deploy/crd/postgresclusters.tusk.dev.yaml"));
        Assert.True(
            committed == CrdGenerator.GenerateYaml(),
            "deploy/crd/postgresclusters.tusk.dev.yaml is out of date with src/Tusk/Api; regenerate it with " +
            "`dotnet run --project src/Tusk.Cli -- crd > deploy/crd/postgresclusters.tusk.dev.yaml`");
    }

    [Fact]
    public void The_generated_YAML_reads_back_as_the_generated_object()
    {
        Assert.True(JsonNode.DeepEquals(CrdGenerator.Generate(), CrdInstaller.CommittedCrd()));
    }

    [Fact]
    public async Task The_CRD_installs_with_a_structural_schema_and_becomes_established()
    {
        var installed = await CrdInstaller.InstallAsync(server.Admin);
        var conditions = installed["status"]!["conditions"]!.AsArray();
        Assert.DoesNotContain(conditions, c => c!["type"]!.GetValue<string>() == "NonStructuralSchema");
        Assert.Equal(["pgc"], installed["status"]!["acceptedNames"]!["shortNames"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public async Task The_hippo_example_is_accepted_and_the_server_fills_the_schema_defaults()
    {
        await CrdInstaller.InstallAsync(server.Admin);
        var ns = await Namespaces.CreateAsync(server.Admin);
        var hippo = CrdInstaller.ReadYaml("examples/hippo.yaml");
        var created = await server.Admin.ApplyAsync(ApiResource.PostgresCluster, ns, hippo, force: true);

        var spec = created["spec"]!;
        Assert.Equal(3, spec["instances"]![0]!["replicas"]!.GetValue<int>());
        Assert.Equal("hippo", spec["users"]![0]!["databases"]![0]!.GetValue<string>());
        // Defaults the CRD declares, from the same constants the local runtime uses.
        Assert.False(spec["shutdown"]!.GetValue<bool>());
        Assert.False(spec["patroni"]!["synchronousMode"]!.GetValue<bool>());
        Assert.Equal("AlphaNumeric", spec["users"]![0]!["password"]?["type"]?.GetValue<string>() ?? "AlphaNumeric");
        Assert.Equal(1L, created["metadata"]!["generation"]!.GetValue<long>());
    }

    [Fact]
    public async Task The_server_refuses_values_outside_the_schema_and_names_each_field()
    {
        await CrdInstaller.InstallAsync(server.Admin);
        var ns = await Namespaces.CreateAsync(server.Admin);
        var bad = JsonNode.Parse("""
            {"apiVersion": "tusk.dev/v1", "kind": "PostgresCluster", "metadata": {"name": "bad"},
             "spec": {"postgresVersion": 9, "port": 80,
                      "instances": [{"name": "Set_1", "replicas": 17}],
                      "users": [{"name": "app", "password": {"type": "Bogus"}}, {"databases": ["x"]}]}}
            """)!.AsObject();
        var e = await Assert.ThrowsAsync<KubeApiException>(() => server.Admin.CreateAsync(ApiResource.PostgresCluster, ns, bad));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, e.Status);
        // Kubernetes 1.20 names list items without their index.
        foreach (var field in new[] { "spec.postgresVersion", "spec.port", "spec.instances.name", "spec.instances.replicas", "spec.users.password.type", "spec.users.name: Required value" })
        {
            Assert.True(e.ServerMessage.Contains(field, StringComparison.Ordinal), $"{field} not in: {e.ServerMessage}");
        }
    }

    [Fact]
    public async Task Status_is_written_through_its_subresource_and_shown_in_the_printer_columns()
    {
        await CrdInstaller.InstallAsync(server.Admin);
        var ns = await Namespaces.CreateAsync(server.Admin);
        var hippo = CrdInstaller.ReadYaml("examples/hippo.yaml");
        await server.Admin.ApplyAsync(ApiResource.PostgresCluster, ns, hippo, force: true);

        var status = JsonNode.Parse("""
            {"apiVersion": "tusk.dev/v1", "kind": "PostgresCluster", "metadata": {"name": "hippo"},
             "status": {"phase": "Ready", "primary": "hippo-instance1-0", "observedGeneration": 1,
                        "conditions": [{"type": "Ready", "status": "True", "reason": "AllInstancesReady",
                                        "message": "3 of 3 instances are running", "lastTransitionTime": "2026-01-01T00:00:00Z"}]}}
            """)!.AsObject();
        await server.Admin.ApplyStatusAsync(ApiResource.PostgresCluster, ns, status);

        // Applying the spec again leaves the status alone: they are separate subresources.
        var again = await server.Admin.ApplyAsync(ApiResource.PostgresCluster, ns, CrdInstaller.ReadYaml("examples/hippo.yaml"), force: true);
        Assert.Equal("Ready", again["status"]!["phase"]!.GetValue<string>());

        var table = JsonNode.Parse(await server.Admin.GetTextAsync(
            ApiResource.PostgresCluster.ObjectPath(ns, "hippo"), "application/json;as=Table;v=v1;g=meta.k8s.io"))!;
        var columns = table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["Name", "Phase", "Primary", "Ready", "Age"], columns);
        var cells = table["rows"]![0]!["cells"]!.AsArray().Select(c => c!.ToString()).ToList();
        Assert.Equal(["hippo", "Ready", "hippo-instance1-0", "True"], cells.Take(4));
    }
}
