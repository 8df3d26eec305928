using System.Net;
using System.Net.Sockets;

namespace Tusk.Runtime.Local;

/// <summary>Free loopback ports: the kernel picks an unused ephemeral port, and the caller records it so it stays.</summary>
public static class PortAllocator
{
    public static int FreePort(ISet<int> taken)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            if (taken.Add(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException("no free TCP port on 127.0.0.1");
    }

    /// <summary>Two consecutive free ports, as a cluster's primary and replicas endpoints need.</summary>
    public static int FreePair()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = FreePort(new HashSet<int>());
            if (port < 65000 && IsFree(port + 1))
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
