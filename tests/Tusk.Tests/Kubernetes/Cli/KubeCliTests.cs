using System.Text;
using Tusk.Api;
using Tusk.Cli;
using Tusk.Kubernetes.Builders;
using Tusk.Kubernetes.Client;
using Tusk.Tests.Kubernetes.Controller;
using Tusk.Runtime.Local;
using Tusk.Tests.Kubernetes.Crd;

namespace Tusk.Tests.Kubernetes.Cli;

/// <summary>`tusk apply/get/describe/show user/delete --kubeconfig|--context` against the real API server, with the operator running.</summary>
[Collection(ApiServerGroup.Name)]
public sealed class KubeCliTests(ApiServer server) : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tusk-kube-cli-").FullName;
    private RunningOperator? _operator;
    private string _ns = "";
    private string _kubeconfig = "";

    public async Task InitializeAsync()
    {
        await CrdInstaller.InstallAsync(server.Admin);
        _ns = await Namespaces.CreateAsync(server.Admin, "cli");
        _operator = new RunningOperator(server.Admin, _ns, new Dictionary<string, string> { ["RELATED_IMAGE_POSTGRES_15"] = "tusk/postgres:15" });
        // The context's namespace is where commands go without -n, as with kubectl.
        _kubeconfig = Path.Combine(_dir, "config");
        await File.WriteAllTextAsync(_kubeconfig, server.AdminKubeconfig(_ns));
    }

    public async Task DisposeAsync()
    {
        await _operator!.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<(int Code, string Out, string Err)> TuskAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var code = await CliApp.RunAsync(args, new CliContext(output, errors, new TuskHome(_dir)));
        return (code, output.ToString(), errors.ToString());
    }

    private async Task<string> WriteManifestAsync(string text)
    {
        var file = Path.Combine(_dir, "hippo.yaml");
        await File.WriteAllTextAsync(file, text);
        return file;
    }

    [Fact]
    public async Task Apply_get_describe_show_user_and_delete_go_through_the_API_server_and_never_start_a_local_agent()
    {
        var file = await WriteManifestAsync(File.ReadAllText(Repository.File("examples/hippo.yaml")));

        var apply = await TuskAsync("apply", "-f", file, "--kubeconfig", _kubeconfig);
        Assert.True(apply.Code == ExitCodes.Ok, apply.Err);
        Assert.Equal($"postgrescluster {_ns}/hippo applied on {server.Server.ToString().TrimEnd('/')}\n", apply.Out);

        // The operator writes the user's Secret and a status; the CLI reads both back.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && (await server.Admin.GetAsync(ApiResource.Secret, _ns, ObjectNames.UserSecret("hippo", "hippo")) is null
            || (await server.Admin.GetAsync(ApiResource.PostgresCluster, _ns, "hippo"))?["status"]?["endpoints"] is null))
        {
            await Task.Delay(200);
        }

        var json = await TuskAsync("get", "clusters", "--kubeconfig", _kubeconfig, "-o", "json");
        var listed = Json.Deserialize<List<PostgresCluster>>(json.Out)!.Single(c => c.Metadata.Namespace == _ns);
        Assert.Equal($"hippo-primary.{_ns}.svc:5432", listed.Status!.Endpoints!.Primary);
        var table = await TuskAsync("get", "clusters", "--kubeconfig", _kubeconfig);
        Assert.Matches($@"(?m)^{_ns}\s+hippo\s+\w+\s+-\s+0/3\s+hippo-primary\.{_ns}\.svc:5432\s", table.Out);

        var describe = await TuskAsync("describe", "cluster", "hippo", "--kubeconfig", _kubeconfig);
        Assert.True(describe.Code == ExitCodes.Ok, describe.Err);
        Assert.Contains($"Endpoints:   primary (read-write) hippo-primary.{_ns}.svc:5432   replicas (read-only) hippo-replicas.{_ns}.svc:5432", describe.Out, StringComparison.Ordinal);
        Assert.Contains($"TLS on (CA Secret {_ns}/{ObjectNames.RootCa})", describe.Out, StringComparison.Ordinal);

        var hidden = await TuskAsync("show", "user", "hippo", "hippo", "--kubeconfig", _kubeconfig, "-o", "json");
        var shown = await TuskAsync("show", "user", "hippo", "--kubeconfig", _kubeconfig, "--show-password", "-o", "json");
        var secret = await server.Admin.GetAsync(ApiResource.Secret, _ns, ObjectNames.UserSecret("hippo", "hippo"));
        var password = Encoding.UTF8.GetString(Convert.FromBase64String(secret!["data"]!["password"]!.GetValue<string>()));
        var hiddenKeys = Json.Deserialize<Dictionary<string, string>>(hidden.Out)!;
        Assert.Equal("<hidden>", hiddenKeys["password"]);
        Assert.Equal("<hidden>", hiddenKeys["uri"]);
        Assert.Equal($"hippo-primary.{_ns}.svc", hiddenKeys["host"]);
        Assert.DoesNotContain(password, hidden.Out, StringComparison.Ordinal);
        Assert.Equal(password, Json.Deserialize<Dictionary<string, string>>(shown.Out)!["password"]);

        var delete = await TuskAsync("delete", "cluster", "hippo", "--kubeconfig", _kubeconfig, "--yes");
        Assert.True(delete.Code == ExitCodes.Ok, delete.Err);
        Assert.StartsWith($"deleted PostgresCluster {_ns}/hippo; its data volumes are kept", delete.Out, StringComparison.Ordinal);
        Assert.Null(await server.Admin.GetAsync(ApiResource.PostgresCluster, _ns, "hippo"));
        Assert.Equal(ExitCodes.NotFound, (await TuskAsync("describe", "cluster", "hippo", "--kubeconfig", _kubeconfig)).Code);
        Assert.False(File.Exists(Path.Combine(_dir, "agent.pid")));
    }

    [Fact]
    public async Task Switchover_goes_through_the_resource_and_the_operator_writes_Patronis_failover_key_once()
    {
        Assert.Equal(ExitCodes.Ok, (await TuskAsync("apply", "-f", await WriteManifestAsync(File.ReadAllText(Repository.File("examples/hippo.yaml"))), "--kubeconfig", _kubeconfig)).Code);
        string? sts = null;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (sts is null && DateTime.UtcNow < deadline)
        {
            sts = (await server.Admin.ListAsync(ApiResource.StatefulSet, _ns)).Items is [var first, ..] ? first["metadata"]!["name"]!.GetValue<string>() : null;
            await Task.Delay(200);
        }

        await PlayedKubelet.RunPodsAsync(server.Admin, _ns, "hippo", sts!, 3, leader: 0, "tusk/postgres:15");
        while ((await server.Admin.GetAsync(ApiResource.PostgresCluster, _ns, "hippo"))?["status"]?["primary"]?.GetValue<string>() != $"{sts}-0")
        {
            Assert.True(DateTime.UtcNow < deadline, $"no primary in the status; {_operator!.LastWords()}");
            await Task.Delay(200);
        }

        var switchover = await TuskAsync("switchover", "hippo", "--to", $"{sts}-2", "--kubeconfig", _kubeconfig);

        Assert.True(switchover.Code == ExitCodes.Ok, switchover.Err);
        Assert.StartsWith($"asked Patroni to switch {_ns}/hippo over from {sts}-0 to {sts}-2", switchover.Out, StringComparison.Ordinal);
        var key = await server.Admin.GetAsync(ApiResource.ConfigMap, _ns, "hippo-ha-failover");
        Assert.Equal($"{sts}-0", key!["metadata"]!["annotations"]!["leader"]!.GetValue<string>());
        Assert.Equal($"{sts}-2", key["metadata"]!["annotations"]!["member"]!.GetValue<string>());
        Assert.Equal("hippo-ha", key["metadata"]!["labels"]!["tusk.dev/patroni"]!.GetValue<string>());

        // Patroni removes the key once it has switched over; the same trigger must not write it again.
        await server.Admin.DeleteAsync(ApiResource.ConfigMap, _ns, "hippo-ha-failover");
        var cycles = _operator!.Outcomes.Count;
        await PlayedKubelet.RunPodsAsync(server.Admin, _ns, "hippo", sts!, 3, leader: 0, "tusk/postgres:15"); // a pod status write wakes a cycle
        while (_operator.Outcomes.Count == cycles)
        {
            Assert.True(DateTime.UtcNow < deadline, "no cycle after a pod changed");
            await Task.Delay(100);
        }

        Assert.Null(await server.Admin.GetAsync(ApiResource.ConfigMap, _ns, "hippo-ha-failover"));
    }

    [Fact]
    public async Task An_invalid_manifest_is_refused_with_its_line_and_nothing_reaches_the_API_server()
    {
        var file = await WriteManifestAsync("""
            apiVersion: tusk.dev/v1
            kind: PostgresCluster
            metadata:
              name: broken
            spec:
              postgresVersion: 15
              instances:
                - name: instance1
                  replicas: 0
            """);

        var apply = await TuskAsync("apply", "-f", file, "--kubeconfig", _kubeconfig);

        Assert.Equal(ExitCodes.InvalidInput, apply.Code);
        Assert.Contains($"{file}:9:", apply.Err, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", apply.Err, StringComparison.Ordinal);
        Assert.Null(await server.Admin.GetAsync(ApiResource.PostgresCluster, _ns, "broken"));
    }

    [Fact]
    public async Task A_context_the_kubeconfig_does_not_have_is_an_error_naming_it()
    {
        var get = await TuskAsync("get", "clusters", "--kubeconfig", _kubeconfig, "--context", "staging");

        Assert.Equal(ExitCodes.InvalidInput, get.Code);
        Assert.Contains("staging", get.Err, StringComparison.Ordinal);
        Assert.Equal("", get.Out);
    }
}
