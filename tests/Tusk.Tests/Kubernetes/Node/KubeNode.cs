using System.Diagnostics;
using System.Globalization;
using Tusk.Kubernetes.Client;

namespace Tusk.Tests.Kubernetes.Node;

/// <summary>
/// A real single-node Kubernetes 1.20.2 (etcd, kube-apiserver, controller-manager, scheduler,
/// kubelet, kube-proxy, containerd + runc, bridge CNI) in a network namespace of its own, started
/// by <c>scripts/kube-node.sh up</c> in a temporary directory and torn down by
/// <c>scripts/kube-node.sh down</c> on dispose, also when <c>up</c> failed halfway. The host
/// reaches the API server at <see cref="Server"/>, and pod IPs and Service ClusterIPs directly
/// (the host routes <see cref="PodCidr"/> and <see cref="ServiceCidr"/> into the namespace).
/// No cluster DNS; PersistentVolumeClaims of the default StorageClass (<see cref="StorageClass"/>)
/// are bound by the node's provisioner to local volumes under the directory.
/// Binaries and images come from <c>scripts/kube-node.sh build</c> (part of scripts/install-deps.sh).
/// Needs root. Shared by the tests of <see cref="KubeNodeGroup"/> (one node per test run).
/// </summary>
public sealed class KubeNode : IAsyncLifetime
{
    private Dictionary<string, string> _env = [];

    /// <summary>The node's state directory (logs stay in its logs/ until dispose).</summary>
    public string Root { get; } = Directory.CreateTempSubdirectory("tusk-node-").FullName;

    /// <summary>scripts/kube-node.sh of this repository.</summary>
    public static string Script => Repository.File("scripts/kube-node.sh");

    /// <summary>The admin kubeconfig (system:masters, client certificate).</summary>
    public string KubeconfigPath => Path.Combine(Root, "kubeconfig");

    /// <summary>The API server, on the node's end of the veth pair.</summary>
    public Uri Server => new(Env("KN_SERVER"));

    /// <summary>The node's address (the API server and the kubelet listen there).</summary>
    public string NodeIp => Env("KN_NODE_IP");

    /// <summary>The host's end of the veth pair: how pods see the test process.</summary>
    public string HostIp => Env("KN_HOST_IP");

    public string PodCidr => Env("KN_POD_CIDR");

    public string ServiceCidr => Env("KN_SERVICE_CIDR");

    /// <summary>The ClusterIP of the <c>kubernetes</c> Service in <c>default</c>.</summary>
    public string ApiServiceIp => Env("KN_API_SERVICE_IP");

    /// <summary>The network namespace that holds the node.</summary>
    public string NetworkNamespace => Env("KN_NS");

    public string NodeName => Env("KN_NODE_NAME");

    /// <summary>The default StorageClass, served by the node's provisioner.</summary>
    public string StorageClass => Env("KN_STORAGE_CLASS");

    /// <summary>A static busybox image running as 65534 (sh, httpd, nc, wget with TLS), not imported until <see cref="ImportAsync"/>.</summary>
    public string BusyboxImage => Env("KN_BUSYBOX_IMAGE");

    /// <summary>The docker-archive tarball of <see cref="BusyboxImage"/>.</summary>
    public string BusyboxArchive => Env("KN_BUSYBOX_ARCHIVE");

    /// <summary>What <c>up</c> measured, e.g. "apiserver=4.4 node=20.1 serviceaccount=20.3" (seconds).</summary>
    public string Timings => Env("KN_TIMINGS");

    /// <summary>A client with the admin kubeconfig.</summary>
    public KubeClient Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Directory.Delete(Root, recursive: true);
            throw new InvalidOperationException("the single-node Kubernetes (scripts/kube-node.sh) needs root: network namespaces, mounts, cgroups; run the tests as root");
        }

        var (code, output) = await RunAsync(Script, "up", Root);
        if (code != 0)
        {
            var diagnostics = File.Exists(Path.Combine(Root, "env")) ? await DumpDiagnosticsAsync() : "";
            await DisposeAsync();
            throw new InvalidOperationException($"scripts/kube-node.sh up {Root} exited {code}:\n{output}\n{diagnostics}");
        }

        _env = ReadEnv(Path.Combine(Root, "env"));
        Admin = new KubeClient(KubeConfig.FromKubeconfig(KubeconfigPath));
    }

    public async Task DisposeAsync()
    {
        Admin?.Dispose();
        var (code, output) = await RunAsync(Script, "down", Root);
        if (code != 0)
        {
            throw new InvalidOperationException($"scripts/kube-node.sh down {Root} exited {code}:\n{output}");
        }

        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    /// <summary>Imports docker-archive tarballs into the node's containerd (namespace k8s.io), for pods with imagePullPolicy IfNotPresent or Never.</summary>
    public async Task ImportAsync(params string[] archives) => await CheckedAsync(Script, ["import", Root, .. archives]);

    /// <summary>Applies a YAML manifest (one or more documents) with kubectl; returns kubectl's output.</summary>
    public async Task<string> ApplyAsync(string yaml)
    {
        var manifests = Directory.CreateDirectory(Path.Combine(Root, "logs", "manifests")).FullName;
        var file = Path.Combine(manifests, Guid.NewGuid().ToString("N") + ".yaml");
        await File.WriteAllTextAsync(file, yaml);
        return await KubectlAsync("apply", "-f", file);
    }

    /// <summary>Runs kubectl (1.20.2) with the admin kubeconfig; throws with its output if it fails.</summary>
    public Task<string> KubectlAsync(params string[] args) => CheckedAsync(Script, ["kubectl", Root, .. args]);

    /// <summary>Runs a program inside the node's network namespace (as a pod's neighbour would); throws with its output if it fails.</summary>
    public Task<string> ExecInNodeNetworkAsync(params string[] command) => CheckedAsync(Script, ["exec", Root, .. command]);

    /// <summary>Objects, events, descriptions of unhealthy pods, pod logs and the components' log tails, as text for a failing test's message.</summary>
    public async Task<string> DumpDiagnosticsAsync() => (await RunAsync(Script, "diag", Root)).Output;

    private string Env(string key) =>
        _env.TryGetValue(key, out var value) ? value : throw new InvalidOperationException($"{Root}/env has no {key} (is the node up?)");

    private static Dictionary<string, string> ReadEnv(string path)
    {
        var env = new Dictionary<string, string>();
        foreach (var line in File.ReadLines(path))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (line.StartsWith('#') || eq <= 0)
            {
                continue;
            }

            env[line[..eq]] = line[(eq + 1)..].Trim('"');
        }

        return env;
    }

    private static async Task<string> CheckedAsync(string program, string[] args)
    {
        var (code, output) = await RunAsync(program, args);
        return code == 0
            ? output
            : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(program)} {string.Join(' ', args)} exited {code}:\n{output}"));
    }

    /// <summary>Runs a program to its end; its exit code and its standard output followed by its standard error.</summary>
    private static async Task<(int Code, string Output)> RunAsync(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
