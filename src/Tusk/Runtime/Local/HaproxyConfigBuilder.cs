using System.Text;

namespace Tusk.Runtime.Local;

/// <summary>
/// HAProxy in TCP mode: the primary endpoint forwards to whichever member answers 200 on
/// Patroni's /primary, the replicas endpoint to those answering /replica. Checks run every
/// second, and every 250 ms while a server changes state, so the endpoint follows a failover
/// quickly; sessions to a server marked down are cut so clients reconnect to the new primary.
/// </summary>
public static class HaproxyConfigBuilder
{
    public static string Build(string clusterName, int port, IReadOnlyList<LocalMember> members, string statsSocket)
    {
        var text = new StringBuilder();
        text.AppendLine("# Written by Tusk; changes are overwritten.");
        text.AppendLine("global");
        text.AppendLine("    maxconn 1000");
        text.AppendLine($"    stats socket {statsSocket} mode 600 level admin");
        text.AppendLine();
        text.AppendLine("defaults");
        text.AppendLine("    mode tcp");
        // HAProxy waits min(timeout connect, 1 s) before retrying a refused connection, and a
        // client's first attempt after a primary dies is usually sent to it: on loopback a
        // connect either succeeds at once or never, so retry after 250 ms, on another server.
        text.AppendLine("    timeout connect 250ms");
        text.AppendLine("    retries 2");
        text.AppendLine("    option redispatch 1");
        text.AppendLine("    timeout client 30m");
        text.AppendLine("    timeout server 30m");
        text.AppendLine("    timeout check 1s");
        text.AppendLine("    option tcpka");
        AppendListener(text, PrimaryBackend(clusterName), port, "/primary", members);
        AppendListener(text, $"{clusterName}-replicas", port + 1, "/replica", members);
        return text.ToString();
    }

    public static string PrimaryBackend(string clusterName) => $"{clusterName}-primary";

    private static void AppendListener(StringBuilder text, string name, int port, string check, IReadOnlyList<LocalMember> members)
    {
        text.AppendLine();
        text.AppendLine($"listen {name}");
        text.AppendLine($"    bind 127.0.0.1:{port}");
        // OPTIONS: Patroni answers with the status line only, so closing the check early resets nothing.
        text.AppendLine($"    option httpchk OPTIONS {check}");
        text.AppendLine("    http-check expect status 200");
        text.AppendLine("    default-server inter 1s fastinter 250ms downinter 250ms rise 1 fall 2 on-marked-down shutdown-sessions");
        foreach (var member in members)
        {
            text.AppendLine($"    server {member.Name} 127.0.0.1:{member.PostgresPort} check port {member.RestPort}");
        }
    }
}
