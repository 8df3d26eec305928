using System.Net;
using System.Net.Sockets;

namespace Tusk.Runtime.Local;

/// <summary>
/// Free loopback ports. A port is free when nothing listens on it now, but the server it is for
/// binds it later (a replica's PostgreSQL after its base backup, seconds to a minute on): another
/// process on the machine that looks for a free port meanwhile can be given the same one, and
/// then one of the two servers fails with "address already in use" on every start (seen in
/// full test runs, where agents create clusters side by side). So each port handed out is also
/// reserved for a while, machine-wide, by a marker file that every Tusk process respects.
/// </summary>
public static class PortAllocator
{
    /// <summary>How long a port handed out stays reserved; by then its server has bound it, or was never started.</summary>
    private static readonly TimeSpan ReservedFor = TimeSpan.FromMinutes(10);

    /// <summary>Machine-wide, shared by every user (sticky, like /tmp itself).</summary>
    private static readonly string Reservations = Path.Combine(Path.GetTempPath(), "tusk-ports");

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
            if (!taken.Contains(port) && IsFree(port) && TryReserve(port))
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
            if (IsFree(port + 1) && TryReserve(port + 1))
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
            using var listener = Listen(port);
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// Listens on the port as PostgreSQL, Patroni and etcd do: with SO_REUSEADDR alone, so
    /// connections of an earlier server lingering in TIME_WAIT do not count, a listening socket
    /// does. Not .NET's ReuseAddress: on Linux it sets SO_REUSEPORT as well, and such a socket
    /// binds beside any other SO_REUSEPORT listener of the same user (HAProxy's, for one), so a
    /// port in use would look free.
    /// </summary>
    internal static TcpListener Listen(int port)
    {
        const int SolSocket = 1, SoReuseAddr = 2; // <sys/socket.h> on Linux
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Server.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
            listener.Start();
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Creates the port's marker, or renews one older than <see cref="ReservedFor"/>; false when
    /// another process reserved the port recently. Without a usable reservations directory every
    /// port counts as unreserved: the reservation narrows a race, it is not what makes a port free.
    /// </summary>
    internal static bool TryReserve(int port)
    {
        var marker = Path.Combine(Reservations, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            if (!Directory.Exists(Reservations))
            {
                Directory.CreateDirectory(Reservations);
                File.SetUnixFileMode(Reservations, (UnixFileMode)Convert.ToInt32("1777", 8));
            }

            try
            {
                using (File.Open(marker, FileMode.CreateNew, FileAccess.Write))
                {
                }

                return true;
            }
            catch (IOException) when (File.Exists(marker))
            {
                if (DateTime.UtcNow - File.GetLastWriteTimeUtc(marker) < ReservedFor)
                {
                    return false;
                }

                File.SetLastWriteTimeUtc(marker, DateTime.UtcNow);
                return true;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return !File.Exists(marker);
        }
    }
}
