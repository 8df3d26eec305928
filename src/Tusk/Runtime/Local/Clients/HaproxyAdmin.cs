using System.Net.Sockets;
using System.Text;

namespace Tusk.Runtime.Local.Clients;

/// <summary>
/// HAProxy's runtime API on its admin socket. The agent uses one command: marking a server's
/// health down the moment it knows the member stopped being primary (dead, or being switched
/// over away from), instead of waiting for two failed checks. Health checks keep running, so a
/// member that is primary again is marked up by its next passing check.
/// </summary>
public static class HaproxyAdmin
{
    public static async Task<string> MarkDownAsync(string socketPath, string backend, string server, CancellationToken cancel)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancel);
            await socket.SendAsync(Encoding.ASCII.GetBytes($"set server {backend}/{server} health down\n"), cancel);
            var buffer = new byte[1024];
            var read = await socket.ReceiveAsync(buffer, cancel);
            return Encoding.ASCII.GetString(buffer, 0, read).Trim();
        }
        catch (SocketException e)
        {
            return $"HAProxy's admin socket did not answer: {e.Message}";
        }
    }
}
