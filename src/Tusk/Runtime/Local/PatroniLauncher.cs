using Tusk.Runtime.Local.Processes;

namespace Tusk.Runtime.Local;

/// <summary>
/// How the agent starts Patroni: Debian's /usr/bin/python3 runs a short script that puts
/// TCP_NODELAY back on Patroni's etcd connections, then runs Patroni exactly as /usr/bin/patroni
/// would.
/// <para>
/// Why: Patroni 3.0.2's etcd3 client (<c>Etcd3.set_socket_options</c>, dcs/etcd3.py) sets its
/// keepalive options instead of the socket options urllib3 passes, which include TCP_NODELAY.
/// Each request then goes out as two writes (headers, then body), and Nagle's algorithm holds the
/// body until etcd acknowledges the headers, which Linux delays by about 40 ms. Measured here on
/// loopback: a put took 43–51 ms through such a socket and 2 ms with TCP_NODELAY; a loop of
/// Patroni's makes 3 to 5 requests, so each took 0.15–0.2 s, and a restore's handover (from
/// "ready to accept connections" to the member leading) 250–300 ms, against 54–81 ms with it.
/// Newer Patroni releases still override the method the same way.
/// </para>
/// The script changes nothing else, and nothing when a Patroni without that method runs it.
/// </summary>
public static class PatroniLauncher
{
    public const string Python = "/usr/bin/python3";
    public const string FileName = "patroni-launcher.py";

    public const string Script = """
        # Written by the Tusk agent, which starts each member's Patroni through this file.
        # Patroni 3.0.2's etcd3 client drops urllib3's TCP_NODELAY for its keepalive options, and
        # every etcd request then waits about 40 ms for a delayed ACK (Nagle's algorithm). This
        # turns TCP_NODELAY back on for those sockets, then runs Patroni as /usr/bin/patroni does.
        import socket
        import sys

        from patroni.dcs import etcd3

        keepalive_only = getattr(etcd3.Etcd3, 'set_socket_options', None)


        def set_socket_options(self, sock, socket_options):
            if sock.family in (socket.AF_INET, socket.AF_INET6):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            keepalive_only(self, sock, socket_options)


        if keepalive_only is not None:
            etcd3.Etcd3.set_socket_options = set_socket_options

        if __name__ == '__main__':
            from patroni.__main__ import main

            sys.argv[0] = 'patroni'
            sys.exit(main())

        """;

    /// <summary>Patroni of <paramref name="member"/>, started through the script at <paramref name="launcher"/>; still identified by its configuration file, its last argument.</summary>
    public static ProcessSpec Spec(LocalMember member, string launcher) =>
        new(member.Name, Python, Arguments(launcher, member.PatroniConfig), member.PatroniLog, member.PatroniPidFile, member.Directory);

    /// <summary>
    /// python3's arguments: isolated (-I), so the script's own directory is not searched for
    /// modules before Debian's (a file there could not stand in for <c>socket</c> or
    /// <c>patroni</c>), nor are PYTHON* variables or a user's site-packages read.
    /// </summary>
    public static IReadOnlyList<string> Arguments(string launcher, params string[] patroniArguments) =>
        ["-I", launcher, .. patroniArguments];
}
