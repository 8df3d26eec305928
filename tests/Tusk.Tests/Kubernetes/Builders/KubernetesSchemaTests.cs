using System.Diagnostics;
using System.Text.Json.Nodes;
using Tusk.Api.Schema;
using Tusk.Kubernetes.Builders;
using Tusk.Tests.Kubernetes.Crd;

namespace Tusk.Tests.Kubernetes.Builders;

/// <summary>
/// Every object the builders produce and every install manifest, validated against the
/// Kubernetes OpenAPI schemas of the npm package kubernetes-models (tools/kube-schemas, installed
/// by scripts/install-deps.sh). It checks types, enums and required fields; it does not flag
/// unknown fields, which BuiltObjectsOnServerTests catches against the real API server.
/// </summary>
public sealed class KubernetesSchemaTests
{
    private const string Rich = """
        apiVersion: tusk.dev/v1
        kind: PostgresCluster
        metadata: {name: hippo, namespace: db}
        spec:
          imagePullSecrets: [{name: regcred}]
          imagePullPolicy: Always
          instances:
            - name: big
              replicas: 2
              priorityClassName: databases
              resources: {limits: {cpu: "2", memory: 4Gi}, requests: {cpu: 500m, memory: 1Gi}}
              tolerations: [{key: dedicated, operator: Equal, value: db, effect: NoSchedule}]
              topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {tusk.dev/cluster: hippo}}}]
              dataVolumeClaimSpec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 20Gi}}}
            - name: small
              replicas: 1
              minAvailable: 1
          users:
            - {name: app, databases: [app]}
            - {name: report, password: {type: ASCII}}
        """;

    private static List<(string Kind, string Name, string? Error)> Validate(IEnumerable<JsonObject> objects)
    {
        var script = Repository.File("tools/kube-schemas/validate.js");
        Assert.True(File.Exists(Path.Combine(Repository.Root, "tools/kube-schemas/node_modules/kubernetes-models/package.json")),
            "tools/kube-schemas/node_modules is missing; run scripts/install-deps.sh (npm ci --prefix tools/kube-schemas)");
        var info = new ProcessStartInfo("node") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        using var process = Process.Start(info)!;
        process.StandardInput.Write(new JsonArray([.. objects.Select(o => (JsonNode)o.DeepClone())]).ToJsonString());
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"node {script} exited {process.ExitCode}: {errors}");
        return [.. JsonNode.Parse(output)!.AsArray().Select(r => (r!["kind"]!.GetValue<string>(), r["name"]?.GetValue<string>() ?? "", r["error"]?.GetValue<string>()))];
    }

    [Theory]
    [InlineData(BuildRequests.Hippo, "policy/v1beta1")]
    [InlineData(Rich, "policy/v1")]
    [InlineData(Rich, "policy/v1beta1")]
    [InlineData(BuildRequests.HippoWithSidecars, "policy/v1")]
    public void Every_built_object_is_valid_against_the_kubernetes_schemas(string yaml, string pdbApiVersion)
    {
        var objects = ClusterObjectsBuilder.Build(BuildRequests.From(yaml, pdbApiVersion: pdbApiVersion));
        var results = Validate(objects);
        Assert.Equal(objects.Count, results.Count);
        Assert.All(results, r => Assert.True(r.Error is null, $"{r.Kind}/{r.Name}: {r.Error}"));
    }

    [Fact]
    public void The_install_manifests_and_the_CRD_are_valid_against_the_kubernetes_schemas()
    {
        var files = CrdInstaller.ReadYaml("deploy/kustomization.yaml")["resources"]!.AsArray().Select(r => CrdInstaller.ReadYaml($"deploy/{r}")).ToList();
        files.Add(CrdGenerator.Generate());
        Assert.All(Validate(files), r => Assert.True(r.Error is null, $"{r.Kind}/{r.Name}: {r.Error}"));
    }

    [Fact]
    public void The_schema_check_refuses_a_wrong_type_so_it_can_fail()
    {
        var statefulSet = StatefulSetBuilder.Build(BuildRequests.From(BuildRequests.Hippo))[0];
        statefulSet["spec"]!["replicas"] = "three";
        var result = Assert.Single(Validate([statefulSet]));
        Assert.Equal("data/spec/replicas must be integer", result.Error);
    }
}
