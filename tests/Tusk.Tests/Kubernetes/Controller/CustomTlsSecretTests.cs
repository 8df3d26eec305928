using System.Text;
using System.Text.Json.Nodes;
using Tusk.Kubernetes.Client;
using Tusk.Security;
using Tusk.Tests.Kubernetes.Crd;

namespace Tusk.Tests.Kubernetes.Controller;

/// <summary>spec.customTLSSecret against the real API server: the user's certificate is checked before any pod could use it.</summary>
[Collection(ApiServerGroup.Name)]
public sealed class CustomTlsSecretTests(ApiServer server) : IAsyncLifetime
{
    private RunningOperator? _operator;
    private string _ns = "";

    public async Task InitializeAsync()
    {
        await CrdInstaller.InstallAsync(server.Admin);
        _ns = await Namespaces.CreateAsync(server.Admin, "tls");
        _operator = new RunningOperator(server.Admin, _ns, new Dictionary<string, string> { ["RELATED_IMAGE_POSTGRES_15"] = "tusk/postgres:15" });
    }

    public async Task DisposeAsync() => await _operator!.DisposeAsync();

    /// <summary>The user's own CA, a server certificate for <paramref name="names"/>, and the Secret holding them.</summary>
    private async Task<(string Certificate, string Ca)> CreateSecretAsync(params string[] names)
    {
        using var ca = CertificateAuthority.Create("Example Corp CA", TimeProvider.System);
        var pair = ca.IssueServer("hippo", names, [], TimeSpan.FromDays(30));
        await server.Admin.CreateAsync(ApiResource.Secret, _ns, new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = new JsonObject { ["name"] = "hippo-tls" },
            ["data"] = new JsonObject
            {
                ["tls.crt"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(pair.CertificatePem)),
                ["tls.key"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(pair.PrivateKeyPem)),
                ["ca.crt"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(ca.CertificatePem)),
            },
        });
        return (pair.CertificatePem, ca.CertificatePem);
    }

    private async Task ApplyAsync() => await server.Admin.ApplyAsync(ApiResource.PostgresCluster, _ns, JsonNode.Parse("""
        {"apiVersion": "tusk.dev/v1", "kind": "PostgresCluster", "metadata": {"name": "hippo"},
         "spec": {"postgresVersion": 15, "instances": [{"name": "instance1", "replicas": 1}], "customTLSSecret": {"name": "hippo-tls"}}}
        """)!.AsObject(), force: true);

    private async Task<T> WaitForAsync<T>(string what, Func<Task<T?>> read)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (await read() is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{what}: not within 60 s; {_operator!.LastWords()}");
            await Task.Delay(200);
        }
    }

    private static string Decoded(JsonObject secret, string key) => Encoding.UTF8.GetString(Convert.FromBase64String(secret["data"]![key]!.GetValue<string>()));

    [Fact]
    public async Task A_valid_certificate_is_what_the_pods_present_and_they_trust_its_CA_besides_Tusks()
    {
        var (certificate, ca) = await CreateSecretAsync($"hippo-primary.{_ns}.svc", $"hippo-replicas.{_ns}.svc");

        await ApplyAsync();

        var served = await WaitForAsync("the cluster's certificate Secret", () => server.Admin.GetAsync(ApiResource.Secret, _ns, "hippo-cluster-cert"));
        Assert.Equal(certificate, Decoded(served, "tls.crt"));
        var trusted = Decoded(served, "ca.crt");
        Assert.StartsWith(ca.TrimEnd(), trusted, StringComparison.Ordinal);
        Assert.EndsWith(Decoded((await server.Admin.GetAsync(ApiResource.Secret, _ns, "tusk-root-cacert"))!, "root.crt"), trusted, StringComparison.Ordinal);

        // The next cycle (a not-ready cluster is looked at again every 10 s) reuses the replication certificate.
        var replication = Decoded((await server.Admin.GetAsync(ApiResource.Secret, _ns, "hippo-replication-cert"))!, "tls.crt");
        var cycles = _operator!.Outcomes.Count;
        await WaitForAsync("another cycle", () => Task.FromResult<object?>(_operator.Outcomes.Count > cycles ? true : null));
        Assert.Equal(replication, Decoded((await server.Admin.GetAsync(ApiResource.Secret, _ns, "hippo-replication-cert"))!, "tls.crt"));
    }

    [Fact]
    public async Task A_certificate_that_misses_a_Service_is_refused_with_the_name_and_nothing_is_created()
    {
        await CreateSecretAsync($"hippo-primary.{_ns}.svc");

        await ApplyAsync();

        var error = await WaitForAsync("lastError", async () => (await server.Admin.GetAsync(ApiResource.PostgresCluster, _ns, "hippo"))?["status"]?["lastError"]?.GetValue<string>());
        Assert.Contains($"tls.crt does not cover hippo-replicas.{_ns}.svc", error, StringComparison.Ordinal);
        Assert.Contains($"DNS:hippo-replicas.{_ns}.svc", error, StringComparison.Ordinal);
        Assert.Empty((await server.Admin.ListAsync(ApiResource.StatefulSet, _ns)).Items);
        Assert.Null(await server.Admin.GetAsync(ApiResource.Secret, _ns, "hippo-cluster-cert"));
    }

    [Fact]
    public async Task A_missing_Secret_is_named_with_how_to_create_it()
    {
        await ApplyAsync();

        var error = await WaitForAsync("lastError", async () => (await server.Admin.GetAsync(ApiResource.PostgresCluster, _ns, "hippo"))?["status"]?["lastError"]?.GetValue<string>());
        Assert.StartsWith($"spec.customTLSSecret: there is no Secret {_ns}/hippo-tls; create it with tls.crt, tls.key and ca.crt", error, StringComparison.Ordinal);
    }
}
