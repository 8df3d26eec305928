using System.Globalization;
using System.Text.Json.Nodes;
using Tusk.Kubernetes.Client;
using Tusk.Runtime.Local;

namespace Tusk.Tests.Kubernetes.Images;

/// <summary>
/// The database image's Patroni with Kubernetes as its DCS, against the real kube-apiserver of
/// <see cref="ApiServer"/>: run with runc as 999 on a read-only root, it reads the pod's service
/// account as a pod would (token and CA under /var/run/secrets/kubernetes.io/serviceaccount,
/// KUBERNETES_SERVICE_HOST/PORT), initialises PostgreSQL, takes the leader lock and patches its
/// Pod. No kubelet: the Pod object is created by the test, and the container shares the host's
/// network to reach the API server on 127.0.0.1.
/// </summary>
[Collection(ApiServerGroup.Name)]
public sealed class PatroniInImageTests(ApiServer server, BuiltImages images) : IClassFixture<BuiltImages>, IDisposable
{
    private readonly DirectoryInfo _files = Directory.CreateTempSubdirectory("tusk-patroni-image-");

    [Fact]
    public async Task Patroni_in_the_database_image_bootstraps_a_primary_through_the_Kubernetes_API()
    {
        var ns = await Namespaces.CreateAsync(server.Admin, "img");
        const string scope = "imgtest";
        const string member = "imgtest-0";
        await server.Admin.CreateAsync(ApiResource.Pod, ns, new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = member, ["labels"] = new JsonObject { ["app"] = "tusk-image-test", ["cluster-name"] = scope } },
            ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "database", ["image"] = "tusk/postgres:15" }) },
        });
        var taken = new HashSet<int>();
        var restPort = PortAllocator.FreePort(taken);
        taken.Add(restPort);
        var pgPort = PortAllocator.FreePort(taken);
        var account = Write("serviceaccount", ("token", server.AdminToken), ("ca.crt", server.CaPem));
        var config = Write("patroni", ("patroni.yaml", PatroniConfig(ns, scope, member, restPort, pgPort).ToJsonString()));
        var script = string.Create(CultureInfo.InvariantCulture, $$"""
            patroni /etc/patroni/patroni.yaml >/tmp/patroni.log 2>&1 &
            patroni=$!
            for i in $(seq 1 90); do
              if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:{{restPort}}/primary')" 2>/dev/null; then
                psql -h /tmp -p {{pgPort}} -U postgres -d postgres -Atc "select pg_is_in_recovery(), system_identifier from pg_control_system()"
                # TERM: a background job of a non-interactive shell ignores INT.
                kill -TERM $patroni
                for j in $(seq 1 30); do kill -0 $patroni 2>/dev/null || exit 0; sleep 1; done
                echo "patroni did not stop"; exit 1
              fi
              sleep 1
            done
            cat /tmp/patroni.log; exit 1
            """);

        var result = await RuncContainer.RunAsync(images.Postgres.Bundle, ["sh", "-c", script], new RuncOptions
        {
            Tmpfs = ["/tmp"],
            ReadOnlyBinds = [(account, "/var/run/secrets/kubernetes.io/serviceaccount"), (config, "/etc/patroni")],
            Env = new Dictionary<string, string> { ["KUBERNETES_SERVICE_HOST"] = "127.0.0.1", ["KUBERNETES_SERVICE_PORT"] = server.Port.ToString(CultureInfo.InvariantCulture) },
            HostNetwork = true,
        });

        Assert.True(result.ExitCode == 0, result.Errors + result.Output);
        var fields = result.Output.Trim().Split('|');
        Assert.Equal("f", fields[0]);
        // Patroni recorded the cluster it initialised in its config ConfigMap and patched its Pod.
        var configMap = await server.Admin.GetAsync(ApiResource.ConfigMap, ns, $"{scope}-config");
        Assert.Equal(fields[1], configMap!["metadata"]!["annotations"]!["initialize"]!.GetValue<string>());
        var pod = await server.Admin.GetAsync(ApiResource.Pod, ns, member);
        Assert.Contains("\"role\":", pod!["metadata"]!["annotations"]!["status"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static JsonObject PatroniConfig(string ns, string scope, string member, int restPort, int pgPort) => new()
    {
        ["scope"] = scope,
        ["name"] = member,
        ["kubernetes"] = new JsonObject { ["namespace"] = ns, ["use_endpoints"] = false, ["labels"] = new JsonObject { ["app"] = "tusk-image-test" } },
        ["restapi"] = new JsonObject { ["listen"] = $"127.0.0.1:{restPort}", ["connect_address"] = $"127.0.0.1:{restPort}" },
        ["bootstrap"] = new JsonObject { ["dcs"] = new JsonObject { ["ttl"] = 30, ["loop_wait"] = 2, ["retry_timeout"] = 10 } },
        ["postgresql"] = new JsonObject
        {
            ["listen"] = $"127.0.0.1:{pgPort}",
            ["connect_address"] = $"127.0.0.1:{pgPort}",
            ["data_dir"] = "/tmp/data",
            ["bin_dir"] = "/usr/lib/postgresql/15/bin",
            ["pgpass"] = "/tmp/pgpass",
            ["authentication"] = new JsonObject
            {
                ["superuser"] = new JsonObject { ["username"] = "postgres", ["password"] = "unused-trust" },
                ["replication"] = new JsonObject { ["username"] = "replicator", ["password"] = "unused-trust" },
            },
            ["parameters"] = new JsonObject { ["unix_socket_directories"] = "/tmp" },
            ["pg_hba"] = new JsonArray("local all all trust", "host all all 127.0.0.1/32 trust", "host replication all 127.0.0.1/32 trust"),
        },
    };

    /// <summary>A directory of files the container's user (999) can read, as a Secret or ConfigMap volume.</summary>
    private string Write(string name, params (string File, string Text)[] files)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_files.FullName, name));
        File.SetUnixFileMode(_files.FullName, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(dir.FullName, (UnixFileMode)0b111_101_101);
        foreach (var (file, text) in files)
        {
            var path = Path.Combine(dir.FullName, file);
            File.WriteAllText(path, text);
            File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);
        }

        return dir.FullName;
    }

    public void Dispose() => _files.Delete(recursive: true);
}
