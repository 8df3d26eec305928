using System.Net;
using System.Net.Sockets;

namespace Tusk.Runtime.Local;

/// <summary>Free loopback ports: the kernel picks an unused ephemeral port, and the caller records it so it stays.</summary>
public static class PortAllocator
{
    /// <summary>
    /// A free port below the kernel's ephemeral range: a port the kernel handed out for bind(0)
    /// can be handed out again to an outgoing connection, and a server restarted later would
    /// then fail with "address already in use" (seen here with Patroni's REST port).
    /// </summary>
    public static int FreePort(ISet<int> taken)
    {
        var (low, high) = Range();
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Random.Shared.Next(low, high);
            if (!taken.Contains(port) && IsFree(port))
            {
                taken.Add(port);
                return port;
            }
        }

        throw new InvalidOperationException($"no free TCP port on 127.0.0.1 between {low} and {high}");
    }

    /// <summary>From 20000 up to the start of the ephemeral range (32768 by default on Linux).</summary>
    private static (int Low, int High) Range()
    {
        try
        {
            var first = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0];
            var start = int.Parse(first, System.Globalization.CultureInfo.InvariantCulture);
            return start > 21000 ? (20000, start - 1) : (1024, 20000);
        }
        catch (IOException)
        {
            return (20000, 32767);
        }
    }

    /// <summary>Two consecutive free ports, as a cluster's primary and replicas endpoints need.</summary>
    public static int FreePair()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = FreePort(new HashSet<int>());
            if (IsFree(port + 1))
            {
                return port;
            }
        }

        throw new InvalidOperationException("no two consecutive free TCP ports on 127.0.0.1");
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
