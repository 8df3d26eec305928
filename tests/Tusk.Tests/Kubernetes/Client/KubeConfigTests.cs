using System.Text;
using Tusk.Kubernetes.Client;

namespace Tusk.Tests.Kubernetes.Client;

[Collection(ApiServerGroup.Name)]
public sealed class KubeConfigTests(ApiServer server) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tusk-kubeconfig-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string Kubeconfig(string currentContext, string adminUser) => $"""
        apiVersion: v1
        kind: Config
        current-context: {currentContext}
        clusters:
          - name: test
            cluster:
              server: {server.Server}
              certificate-authority-data: {B64(server.CaPem)}
        users:
          - name: admin
            user:
        {adminUser}
          - name: by-token
            user:
              token: {server.AdminToken}
        contexts:
          - name: cert
            context:
              cluster: test
              user: admin
              namespace: apps
          - name: token
            context:
              cluster: test
              user: by-token
        """;

    [Fact]
    public async Task The_current_context_with_client_certificate_data_reaches_the_server()
    {
        var user = $"      client-certificate-data: {B64(server.AdminCertPem)}\n      client-key-data: {B64(server.AdminKeyPem)}";
        var config = KubeConfig.FromKubeconfig(Write("config", Kubeconfig("cert", user)));
        Assert.Equal("apps", config.Namespace);
        Assert.Null(config.Token);
        using var client = new KubeClient(config);
        Assert.NotEmpty((await client.ListAsync(ApiResource.Namespace, null)).Items);
    }

    [Fact]
    public async Task Certificate_files_are_read_relative_to_the_kubeconfig_and_a_named_context_wins_over_the_current_one()
    {
        Write("admin.crt", server.AdminCertPem);
        Write("admin.key", server.AdminKeyPem);
        var path = Write("config", Kubeconfig("token", "      client-certificate: admin.crt\n      client-key: admin.key"));

        var byToken = KubeConfig.FromKubeconfig(path);
        Assert.Equal(server.AdminToken, byToken.Token);
        Assert.Equal("default", byToken.Namespace);

        var byCert = KubeConfig.FromKubeconfig(path, context: "cert");
        Assert.Equal(server.AdminCertPem, byCert.ClientCertificatePem);
        using var client = new KubeClient(byCert);
        Assert.NotEmpty((await client.ListAsync(ApiResource.Namespace, null)).Items);
        Assert.DoesNotContain(server.AdminToken, byToken.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_context_is_reported_with_the_file_and_the_name()
    {
        var path = Write("config", Kubeconfig("nowhere", "      token: x"));
        var e = Assert.Throws<KubeConfigException>(() => KubeConfig.FromKubeconfig(path));
        Assert.Equal($"{path}: no context named \"nowhere\" under contexts", e.Message);
    }

    [Fact]
    public void An_exec_plugin_user_is_refused_with_what_to_use_instead()
    {
        var path = Write("config", Kubeconfig("cert", "      exec: {command: aws}"));
        var e = Assert.Throws<KubeConfigException>(() => KubeConfig.FromKubeconfig(path));
        Assert.Contains("use a client certificate or a token", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_in_cluster_configuration_reads_the_service_account_files()
    {
        Write("token", server.AdminToken + "\n");
        Write("ca.crt", server.CaPem);
        Write("namespace", "tusk-system");
        Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_HOST", "127.0.0.1");
        Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_PORT", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            var config = KubeConfig.InCluster(_dir);
            Assert.Equal("tusk-system", config.Namespace);
            using var client = new KubeClient(config);
            Assert.NotEmpty((await client.ListAsync(ApiResource.Namespace, null)).Items);
        }
        finally
        {
            Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_HOST", null);
            Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_PORT", null);
        }
    }
}
