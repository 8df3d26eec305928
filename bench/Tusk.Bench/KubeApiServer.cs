using System.Diagnostics;
using System.Globalization;
using System.Text;
using Tusk.Kubernetes.Client;
using Tusk.Runtime.Local;

namespace Tusk.Bench;

/// <summary>
/// A real etcd and kube-apiserver 1.20.2 on free loopback ports for the Kubernetes benchmark,
/// started the way the tests' fixture (tests/Tusk.Tests/Kubernetes/ApiServer.cs) starts them,
/// minus what only tests need (RBAC test users, a ConfigMap watch without cache): a CA and a
/// serving certificate made with openssl, one static system:masters token, the ServiceAccount
/// admission plugin off (no controller-manager). Stopped by PID; its directory deleted.
/// </summary>
public sealed class KubeApiServer : IAsyncDisposable
{
    public const string DefaultBinary = "/var/cache/tusk/kube-apiserver-1.20.2";

    private Process? _etcd;
    private Process? _apiserver;

    public string Root { get; } = Directory.CreateTempSubdirectory("tusk-bench-kube-").FullName;
    public int Port { get; private set; }
    public Uri Server => new($"https://127.0.0.1:{Port}");
    public string CaPem { get; private set; } = "";

    /// <summary>A static token whose user is in system:masters.</summary>
    public string AdminToken { get; } = Tusk.Security.PasswordGenerator.Generate(Tusk.Security.PasswordKind.AlphaNumeric, 32);

    public KubeClient Admin { get; private set; } = null!;

    public KubeConfig AdminConfig => new(Server, CaPem, null, null, AdminToken, "default");

    /// <summary>The etcd and kube-apiserver processes, for reading their CPU time.</summary>
    public IEnumerable<int> Pids => new[] { _etcd, _apiserver }.Where(p => p is not null).Select(p => p!.Id);

    public static async Task<KubeApiServer> StartAsync()
    {
        var binary = Environment.GetEnvironmentVariable("TUSK_KUBE_APISERVER") ?? DefaultBinary;
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"{binary} does not exist; build it with scripts/kube-apiserver.sh or set TUSK_KUBE_APISERVER");
        }

        var server = new KubeApiServer();
        try
        {
            await server.StartAsync(binary);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync(string binary)
    {
        await MakeCertificatesAsync();
        var taken = new HashSet<int>();
        var etcdPort = PortAllocator.FreePort(taken);
        var peerPort = PortAllocator.FreePort(taken);
        Port = PortAllocator.FreePort(taken);
        _etcd = Start("/usr/bin/etcd", "etcd.log",
            "--name", "bench",
            "--data-dir", F("etcd"),
            "--listen-client-urls", $"http://127.0.0.1:{etcdPort}",
            "--advertise-client-urls", $"http://127.0.0.1:{etcdPort}",
            "--listen-peer-urls", $"http://127.0.0.1:{peerPort}",
            "--initial-advertise-peer-urls", $"http://127.0.0.1:{peerPort}",
            "--initial-cluster", $"bench=http://127.0.0.1:{peerPort}",
            "--log-level", "warn");
        _apiserver = Start(binary, "kube-apiserver.log",
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
            // Two ClusterIP Services per PostgresCluster, for hundreds of clusters in two namespaces.
            "--service-cluster-ip-range=10.96.0.0/16",
            "--profiling=false",
            "--v=0");
        Admin = new KubeClient(AdminConfig);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (_apiserver.HasExited || _etcd.HasExited)
            {
                throw new InvalidOperationException($"etcd or kube-apiserver exited; logs in {Root}:\n{Tail("kube-apiserver.log")}");
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
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"kube-apiserver on {Server} not ready within 60 s: {e.Message}");
                }
            }

            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Admin?.Dispose();
        // The API server first: open watches make it wait for its shutdown delay otherwise.
        foreach (var process in new[] { _apiserver, _etcd })
        {
            if (process is null)
            {
                continue;
            }

            using (process)
            {
                if (!process.HasExited)
                {
                    process.Kill(); // our own PID only
                    await process.WaitForExitAsync();
                }
            }
        }

        _apiserver = _etcd = null;
        Directory.Delete(Root, recursive: true);
    }

    private string F(string name) => Path.Combine(Root, name);

    private Process Start(string program, string log, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        var writer = new StreamWriter(F(log), append: true) { AutoFlush = true };
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
        await Shell.RunAsync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", F("ca.key"), "-out", F("ca.crt"), "-days", "2", "-subj", "/CN=tusk-bench-ca"]);
        await File.WriteAllTextAsync(F("serving.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n", Encoding.ASCII);
        await Shell.RunAsync("openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", F("serving.key"), "-out", F("serving.csr"), "-subj", "/CN=kube-apiserver"]);
        await Shell.RunAsync("openssl", ["x509", "-req", "-in", F("serving.csr"), "-CA", F("ca.crt"), "-CAkey", F("ca.key"), "-CAcreateserial", "-out", F("serving.crt"), "-days", "2", "-extfile", F("serving.ext")]);
        await Shell.RunAsync("openssl", ["genrsa", "-out", F("sa.key"), "2048"]);
        await Shell.RunAsync("openssl", ["rsa", "-in", F("sa.key"), "-pubout", "-out", F("sa.pub")]);
        await File.WriteAllTextAsync(F("tokens.csv"), string.Create(CultureInfo.InvariantCulture, $"{AdminToken},bench-admin,uid-admin,\"system:masters\"\n"));
        foreach (var secret in new[] { "ca.key", "serving.key", "sa.key", "tokens.csv" })
        {
            File.SetUnixFileMode(F(secret), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        CaPem = await File.ReadAllTextAsync(F("ca.crt"));
    }

    private string Tail(string log) => File.Exists(F(log)) ? string.Join('\n', File.ReadLines(F(log)).TakeLast(30)) : "";
}
