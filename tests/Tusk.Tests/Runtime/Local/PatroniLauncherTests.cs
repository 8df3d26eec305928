using Tusk.Runtime.Local;

namespace Tusk.Tests.Runtime.Local;

/// <summary>The launcher's script, run by Debian's python3 with the installed Patroni 3.0.2.</summary>
public sealed class PatroniLauncherTests : IDisposable
{
    /// <summary>
    /// Hands a fresh TCP socket to Patroni's <c>Etcd3.set_socket_options</c> (after running the
    /// script named by its first argument, unless "-"), as urllib3 does with its default options,
    /// and prints the socket's TCP_NODELAY and SO_KEEPALIVE.
    /// </summary>
    private const string Probe = """
        import runpy, socket, sys, types
        if sys.argv[1] != '-':
            runpy.run_path(sys.argv[1], run_name='probe')
        from patroni.dcs.etcd3 import Etcd3
        client = types.SimpleNamespace(ttl=30, loop_wait=10, _retry=types.SimpleNamespace(deadline=10))
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        Etcd3.set_socket_options(client, sock, [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
        print(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY), sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE))
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("tusk-launcher-").FullName;

    public PatroniLauncherTests() => File.WriteAllText(Launcher, PatroniLauncher.Script);

    private string Launcher => Path.Combine(_directory, PatroniLauncher.FileName);

    [Fact]
    public async Task Patroni_alone_gives_its_etcd_sockets_keepalive_but_not_TCP_NODELAY()
    {
        Assert.Equal("0 1", await PythonAsync("-c", Probe, "-"));
    }

    [Fact]
    public async Task Through_the_launcher_its_etcd_sockets_have_TCP_NODELAY_and_still_keepalive()
    {
        Assert.Equal("1 1", await PythonAsync("-c", Probe, Launcher));
    }

    [Fact]
    public async Task The_launcher_runs_Patroni_with_its_arguments()
    {
        Assert.Equal("patroni 3.0.2", await PythonAsync([.. PatroniLauncher.Arguments(Launcher, "--version")]));
    }

    [Fact]
    public async Task A_module_beside_the_launcher_does_not_stand_in_for_Patroni()
    {
        File.WriteAllText(Path.Combine(_directory, "patroni.py"), "raise SystemExit('the stand-in was imported')\n");

        Assert.Equal("patroni 3.0.2", await PythonAsync([.. PatroniLauncher.Arguments(Launcher, "--version")]));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task<string> PythonAsync(params string[] arguments) =>
        (await ToolRunner.RunAsync(PatroniLauncher.Python, arguments)).Trim();
}
