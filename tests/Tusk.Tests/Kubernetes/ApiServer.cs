using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Tusk.Kubernetes.Client;
using Tusk.Runtime.Local;

namespace Tusk.Tests.Kubernetes;

/// <summary>
/// A real etcd and kube-apiserver 1.20.2 on 127.0.0.1, in the style of controller-runtime's
/// envtest: free ports, a temporary directory, a CA and serving/client certificates made with
/// openssl, RBAC on, the ServiceAccount admission plugin off (no controller-manager creates
/// tokens), service-account keys. No kubelet: tests write pod and StatefulSet status themselves.
/// Started once per test collection (<see cref="ApiServerGroup"/>) and stopped by PID.
/// The binary comes from scripts/kube-apiserver.sh (override with TUSK_KUBE_APISERVER).
/// </summary>
public sealed partial class ApiServer : IAsyncLifetime
{
    public const string DefaultBinary = "/var/cache/tusk/kube-apiserver-1.20.2";

    /// <summary>A static token whose user is in system:masters (bearer-token authentication).</summary>
    public const string AdminTokenUser = "token-admin";

    /// <summary>A static token whose user has no permissions at all (for RBAC tests).</summary>
    public const string NobodyTokenUser = "token-nobody";

    private Process? _etcd;
    private Process? _apiserver;

    public string Root { get; } = Directory.CreateTempSubdirectory("tusk-kube-").FullName;
    public int Port { get; private set; }
    public int EtcdPort { get; private set; }
    public Uri Server => new($"https://127.0.0.1:{Port}");
    public string CaPem { get; private set; } = "";
    public string AdminCertPem { get; private set; } = "";
    public string AdminKeyPem { get; private set; } = "";
    /// <summary>A static token for a user with no permissions until a test binds a role to it (the operator's ClusterRole, say).</summary>
    public const string OperatorTokenUser = "token-operator";

    public string OperatorToken { get; } = Tusk.Security.PasswordGenerator.Generate(Tusk.Security.PasswordKind.AlphaNumeric, 32);
    public string AdminToken { get; } = Tusk.Security.PasswordGenerator.Generate(Tusk.Security.PasswordKind.AlphaNumeric, 32);
    public string NobodyToken { get; } = Tusk.Security.PasswordGenerator.Generate(Tusk.Security.PasswordKind.AlphaNumeric, 32);

    /// <summary>A client authenticated with the system:masters client certificate.</summary>
    public KubeClient Admin { get; private set; } = null!;

    private string EtcdLog => Path.Combine(Root, "etcd.log");
    private string ApiServerLog => Path.Combine(Root, "kube-apiserver.log");

    public KubeConfig AdminConfig(string ns = "default") => new(Server, CaPem, AdminCertPem, AdminKeyPem, null, ns);

    public KubeConfig TokenConfig(string token, string ns = "default") => new(Server, CaPem, null, null, token, ns);

    /// <summary>A kubeconfig file's text whose current context ("test") reaches this server as the admin, in <paramref name="ns"/>.</summary>
    public string AdminKubeconfig(string ns = "default") => $"""
        apiVersion: v1
        kind: Config
        current-context: test
        clusters:
          - name: test
            cluster:
              server: {Server}
              certificate-authority-data: {Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(CaPem))}
        users:
          - name: admin
            user:
              token: {AdminToken}
        contexts:
          - name: test
            context:
              cluster: test
              user: admin
              namespace: {ns}
        """;

    public async Task InitializeAsync()
    {
        var binary = Environment.GetEnvironmentVariable("TUSK_KUBE_APISERVER") ?? DefaultBinary;
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"{binary} does not exist; build it with scripts/kube-apiserver.sh (part of scripts/install-deps.sh) or set TUSK_KUBE_APISERVER");
        }

        try
        {
            await MakeCertificatesAsync();
            var taken = new HashSet<int>();
            var etcdPort = EtcdPort = PortAllocator.FreePort(taken);
            var peerPort = PortAllocator.FreePort(taken);
            Port = PortAllocator.FreePort(taken);
            _etcd = Start("/usr/bin/etcd", EtcdLog,
                "--name", "test",
                "--data-dir", Path.Combine(Root, "etcd"),
                "--listen-client-urls", $"http://127.0.0.1:{etcdPort}",
                "--advertise-client-urls", $"http://127.0.0.1:{etcdPort}",
                "--listen-peer-urls", $"http://127.0.0.1:{peerPort}",
                "--initial-advertise-peer-urls", $"http://127.0.0.1:{peerPort}",
                "--initial-cluster", $"test=http://127.0.0.1:{peerPort}",
                "--log-level", "warn");
            _apiserver = Start(binary, ApiServerLog,
                $"--etcd-servers=http://127.0.0.1:{etcdPort}",
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                $"--secure-port={Port}",
                "--insecure-port=0",
                $"--cert-dir={Root}",
                $"--tls-cert-file={F("serving.crt")}",
                $"--tls-private-key-file={F("serving.key")}",
                $"--client-ca-file={F("ca.crt")}",
                $"--token-auth-file={F("tokens.csv")}",
                "--authorization-mode=RBAC",
                "--disable-admission-plugins=ServiceAccount",
                $"--service-account-key-file={F("sa.pub")}",
                $"--service-account-signing-key-file={F("sa.key")}",
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                "--service-cluster-ip-range=10.0.0.0/24",
                // ConfigMap watches go straight to etcd, so a test can make a resourceVersion
                // too old (410 Gone) by compacting etcd (the watch cache would grow instead).
                "--watch-cache-sizes=configmaps#0",
                "--profiling=false",
                "--v=0");
            Admin = new KubeClient(AdminConfig());
            await WaitReadyAsync(TimeSpan.FromSeconds(60));
        }
        catch (Exception e)
        {
            var logs = Tail(EtcdLog) + "\n" + Tail(ApiServerLog);
            await DisposeAsync();
            throw new InvalidOperationException($"the test kube-apiserver did not become ready: {e.Message}\n{logs}", e);
        }
    }

    public async Task DisposeAsync()
    {
        Admin?.Dispose();
        // The API server first: an open watch makes it wait for its shutdown delay, so it gets a timeout.
        await StopAsync(_apiserver, TimeSpan.FromSeconds(10));
        await StopAsync(_etcd, TimeSpan.FromSeconds(10));
        _apiserver = _etcd = null;
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Compacts etcd's history up to now: every earlier resourceVersion becomes too old to watch from (410 Gone).</summary>
    public async Task CompactEtcdAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{EtcdPort}") };
        // etcd's gRPC gateway; keys and revisions are base64 / decimal strings in its JSON.
        var range = await http.PostAsync("/v3/kv/range", new StringContent("{\"key\":\"AA==\"}"));
        range.EnsureSuccessStatusCode();
        var revision = System.Text.Json.Nodes.JsonNode.Parse(await range.Content.ReadAsStringAsync())!["header"]!["revision"]!.GetValue<string>();
        var compact = await http.PostAsync("/v3/kv/compaction", new StringContent($"{{\"revision\":\"{revision}\",\"physical\":true}}"));
        compact.EnsureSuccessStatusCode();
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var (process, what) in new[] { (_apiserver!, "kube-apiserver"), (_etcd!, "etcd") })
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"{what} exited with code {process.ExitCode}");
                }
            }

            try
            {
                if ((await Admin.GetTextAsync("/readyz")).Trim() == "ok")
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or KubeApiException)
            {
                last = e;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"no ready answer from {Server}/readyz within {timeout.TotalSeconds} s (last: {last?.Message})");
    }

    private static async Task StopAsync(Process? process, TimeSpan timeout)
    {
        if (process is null)
        {
            return;
        }

        using (process)
        {
            if (process.HasExited)
            {
                return;
            }

            _ = Kill(process.Id, 15);
            using var wait = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
        }
    }

    private string F(string name) => Path.Combine(Root, name);

    private static Process Start(string program, string log, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        var writer = new StreamWriter(log, append: true) { AutoFlush = true };
        var gate = new Lock();
        void Write(string? line)
        {
            if (line is not null)
            {
                lock (gate)
                {
                    writer.WriteLine(line);
                }
            }
        }

        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.Exited += (_, _) => writer.Dispose();
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task MakeCertificatesAsync()
    {
        await OpensslAsync("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", F("ca.key"), "-out", F("ca.crt"), "-days", "2", "-subj", "/CN=tusk-test-ca");
        await IssueAsync("serving", "/CN=kube-apiserver", "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth");
        await IssueAsync("admin", "/O=system:masters/CN=tusk-test-admin", "extendedKeyUsage=clientAuth");
        await OpensslAsync("genrsa", "-out", F("sa.key"), "2048");
        await OpensslAsync("rsa", "-in", F("sa.key"), "-pubout", "-out", F("sa.pub"));
        await File.WriteAllTextAsync(F("tokens.csv"), string.Create(CultureInfo.InvariantCulture,
            $"{AdminToken},{AdminTokenUser},uid-admin,\"system:masters\"\n{NobodyToken},{NobodyTokenUser},uid-nobody\n{OperatorToken},{OperatorTokenUser},uid-operator\n"));
        foreach (var secret in new[] { "ca.key", "serving.key", "admin.key", "sa.key", "tokens.csv" })
        {
            File.SetUnixFileMode(F(secret), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        CaPem = await File.ReadAllTextAsync(F("ca.crt"));
        AdminCertPem = await File.ReadAllTextAsync(F("admin.crt"));
        AdminKeyPem = await File.ReadAllTextAsync(F("admin.key"));
    }

    private async Task IssueAsync(string name, string subject, string extensions)
    {
        await File.WriteAllTextAsync(F(name + ".ext"), extensions + "\n", Encoding.ASCII);
        await OpensslAsync("req", "-newkey", "rsa:2048", "-nodes", "-keyout", F(name + ".key"), "-out", F(name + ".csr"), "-subj", subject);
        await OpensslAsync("x509", "-req", "-in", F(name + ".csr"), "-CA", F("ca.crt"), "-CAkey", F("ca.key"), "-CAcreateserial", "-out", F(name + ".crt"), "-days", "2", "-extfile", F(name + ".ext"));
    }

    private static Task<string> OpensslAsync(params string[] args) => ToolRunner.RunAsync("openssl", args);

    private static string Tail(string path) =>
        File.Exists(path) ? $"--- {Path.GetFileName(path)}:\n" + string.Join('\n', File.ReadLines(path).TakeLast(30)) : "";

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
