using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Tusk.Kubernetes.Client;
using Tusk.Kubernetes.Controller;
using Tusk.Tests.Kubernetes.Crd;

namespace Tusk.Tests.Kubernetes.Deploy;

/// <summary>The install manifests under deploy/: complete, accepted by the API server, hardened, and with an RBAC role the operator can work with and no more.</summary>
[Collection(ApiServerGroup.Name)]
public sealed class DeployTests(ApiServer server)
{
    private static List<string> KustomizationResources() =>
        [.. CrdInstaller.ReadYaml("deploy/kustomization.yaml")["resources"]!.AsArray().Select(r => r!.GetValue<string>())];

    [Fact]
    public void The_kustomization_lists_every_manifest_under_deploy()
    {
        var root = Repository.File("deploy");
        var files = Directory.GetFiles(root, "*.yaml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f))
            .Where(f => f != "kustomization.yaml" && !f.StartsWith("olm", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        Assert.Equal(files, KustomizationResources().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Every_manifest_is_accepted_by_the_API_server_with_no_field_dropped()
    {
        foreach (var file in KustomizationResources())
        {
            var sent = CrdInstaller.ReadYaml($"deploy/{file}");
            var resource = sent["kind"]!.GetValue<string>() switch
            {
                "ClusterRole" => new ApiResource("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", Namespaced: false),
                "ClusterRoleBinding" => new ApiResource("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", Namespaced: false),
                "Deployment" => new ApiResource("apps", "v1", "Deployment", "deployments"),
                _ => ApiResource.Of(sent),
            };
            var ns = sent["metadata"]!["namespace"]?.GetValue<string>();
            var stored = await server.Admin.ApplyAsync(resource, ns, sent, force: true);
            var missing = FieldsKept.Missing(sent, stored);
            Assert.True(missing.Count == 0, $"deploy/{file}: the server did not keep {string.Join(", ", missing)}");
        }
    }

    [Fact]
    public void The_operator_runs_hardened_as_a_numeric_non_root_user()
    {
        var deployment = CrdInstaller.ReadYaml("deploy/operator/deployment.yaml");
        var pod = deployment["spec"]!["template"]!["spec"]!;
        Assert.True(pod["securityContext"]!["runAsNonRoot"]!.GetValue<bool>());
        Assert.True(pod["securityContext"]!["runAsUser"]!.GetValue<long>() > 0);
        Assert.Equal("RuntimeDefault", pod["securityContext"]!["seccompProfile"]!["type"]!.GetValue<string>());
        var container = pod["containers"]![0]!["securityContext"]!;
        Assert.False(container["allowPrivilegeEscalation"]!.GetValue<bool>());
        Assert.True(container["readOnlyRootFilesystem"]!.GetValue<bool>());
        Assert.Equal("ALL", container["capabilities"]!["drop"]![0]!.GetValue<string>());
        Assert.Equal("tusk-operator", pod["serviceAccountName"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_operator_elects_itself_and_reconciles_a_cluster_with_exactly_the_roles_in_deploy()
    {
        await CrdInstaller.InstallAsync(server.Admin);
        await server.Admin.ApplyAsync(new ApiResource("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", Namespaced: false), null,
            CrdInstaller.ReadYaml("deploy/rbac/cluster-role.yaml"), force: true);
        // The binding in deploy/ names the in-cluster service account; here the same role goes to a token user.
        await server.Admin.ApplyAsync(new ApiResource("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", Namespaced: false), null,
            JsonNode.Parse($$"""
                {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "tusk-operator-test"},
                 "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "tusk-operator"},
                 "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "{{ApiServer.OperatorTokenUser}}"}]}
                """)!.AsObject(), force: true);
        // Leader election: the Role in deploy/, bound to the same token user in tusk-system.
        await server.Admin.ApplyAsync(ApiResource.Namespace, null, CrdInstaller.ReadYaml("deploy/namespace.yaml"), force: true);
        await server.Admin.ApplyAsync(ApiResource.Role, "tusk-system", CrdInstaller.ReadYaml("deploy/rbac/role.yaml"), force: true);
        await server.Admin.ApplyAsync(ApiResource.RoleBinding, "tusk-system", JsonNode.Parse($$"""
                {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "tusk-operator-test", "namespace": "tusk-system"},
                 "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "tusk-operator-leader-election"},
                 "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "{{ApiServer.OperatorTokenUser}}"}]}
                """)!.AsObject(), force: true);
        var ns = await Namespaces.CreateAsync(server.Admin, "rbac");
        var failures = new ConcurrentQueue<string>();
        using var client = new KubeClient(server.TokenConfig(server.OperatorToken));
        using var stop = new CancellationTokenSource();
        using var op = new Operator(client, new OperatorOptions([ns], new Dictionary<string, string> { ["RELATED_IMAGE_POSTGRES_15"] = "tusk/postgres:15" }), TimeProvider.System);
        op.Failed += (key, e) => failures.Enqueue(e.Message);
        var elector = new LeaderElector(client, "tusk-system", $"lease-{ns}", "rbac-test", TimeProvider.System);
        var running = elector.RunAsync(token => op.RunAsync(cancel: token), stop.Token);
        try
        {
            await server.Admin.ApplyAsync(ApiResource.PostgresCluster, ns, CrdInstaller.ReadYaml("examples/hippo.yaml"), force: true);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            JsonNode? status = null;
            while (DateTime.UtcNow < deadline && status?["phase"]?.GetValue<string>() != "Creating")
            {
                await Task.Delay(200);
                status = (await server.Admin.GetAsync(ApiResource.PostgresCluster, ns, "hippo"))?["status"];
            }

            Assert.True(status?["phase"]?.GetValue<string>() == "Creating", $"status {status?.ToJsonString()}; failures: {string.Join(" | ", failures)}");
            Assert.Empty(failures);
            Assert.Single((await server.Admin.ListAsync(ApiResource.StatefulSet, ns)).Items);
            Assert.Single((await server.Admin.ListAsync(ApiResource.RoleBinding, ns)).Items);
            Assert.Equal("rbac-test", (await server.Admin.GetAsync(ApiResource.Lease, "tusk-system", $"lease-{ns}"))!["spec"]!["holderIdentity"]!.GetValue<string>());
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }

    [Fact]
    public async Task Without_the_cluster_role_the_operator_reports_which_permission_is_missing()
    {
        await CrdInstaller.InstallAsync(server.Admin);
        var ns = await Namespaces.CreateAsync(server.Admin, "norbac");
        var failures = new ConcurrentQueue<string>();
        using var client = new KubeClient(server.TokenConfig(server.NobodyToken));
        using var stop = new CancellationTokenSource();
        using var op = new Operator(client, new OperatorOptions([ns], new Dictionary<string, string>()), TimeProvider.System);
        op.Failed += (key, e) => failures.Enqueue(e.Message);
        var running = op.RunAsync(cancel: stop.Token);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline && !failures.Any(f => f.Contains("postgresclusters", StringComparison.Ordinal)))
            {
                await Task.Delay(100);
            }

            Assert.Contains(failures, f => f.Contains($"User \"{ApiServer.NobodyTokenUser}\" cannot list resource \"postgresclusters\" in API group \"tusk.dev\" in the namespace \"{ns}\"", StringComparison.Ordinal));
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }
}
