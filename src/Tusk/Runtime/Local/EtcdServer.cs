using Tusk.Runtime.Local.Processes;

namespace Tusk.Runtime.Local;

/// <summary>
/// The agent's one etcd: Patroni's DCS for every local cluster. Client and peer ports are
/// chosen once and kept in etcd/ports, so a restarted agent finds (and adopts) the same etcd.
/// </summary>
public sealed class EtcdServer
{
    private readonly SupervisedProcess _process;

    public EtcdServer(TuskHome home, ServiceAccount account, ProcessLauncher launcher, TimeProvider clock)
    {
        Directory.CreateDirectory(home.EtcdDirectory);
        File.SetUnixFileMode(home.EtcdDirectory, Modes.SharedDirectory);
        var portsFile = Path.Combine(home.EtcdDirectory, "ports");
        if (!File.Exists(portsFile))
        {
            var taken = new HashSet<int>();
            File.WriteAllText(portsFile, $"{PortAllocator.FreePort(taken)} {PortAllocator.FreePort(taken)}");
        }

        var ports = File.ReadAllText(portsFile).Split(' ').Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        ClientPort = ports[0];
        var data = account.Directory(Path.Combine(home.EtcdDirectory, "data"));
        var client = $"http://127.0.0.1:{ClientPort}";
        var peer = $"http://127.0.0.1:{ports[1]}";
        _process = new SupervisedProcess(
            new ProcessSpec(
                "etcd",
                "/usr/bin/etcd",
                [
                    "--name=tusk", $"--listen-client-urls={client}", $"--advertise-client-urls={client}",
                    $"--listen-peer-urls={peer}", $"--initial-advertise-peer-urls={peer}", $"--initial-cluster=tusk={peer}",
                    "--log-level=warn", "--auto-compaction-retention=1", $"--data-dir={data}",
                ],
                Path.Combine(home.EtcdDirectory, "etcd.log"),
                Path.Combine(home.EtcdDirectory, "etcd.pid"),
                home.EtcdDirectory),
            launcher,
            clock);
    }

    public int ClientPort { get; }

    public SupervisedProcess Process => _process;

    public string? Ensure() => _process.Ensure();

    public Task StopAsync() => _process.StopAsync(TimeSpan.FromSeconds(10));
}
