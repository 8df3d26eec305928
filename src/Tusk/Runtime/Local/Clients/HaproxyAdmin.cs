using System.Net.Sockets;
using System.Text;

namespace Tusk.Runtime.Local.Clients;

/// <summary>
/// HAProxy's runtime API on its admin socket. The agent uses one command: setting a server's
/// health the moment it knows a member stopped being primary (dead, or being switched over away
/// from) or became primary, instead of waiting for the checks. Health checks keep running, so a
/// wrong guess lasts until the next check at most.
/// </summary>
public static class HaproxyAdmin
{
    public static async Task<string> SetHealthAsync(string socketPath, string backend, string server, bool up, CancellationToken cancel)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancel);
            await socket.SendAsync(Encoding.ASCII.GetBytes($"set server {backend}/{server} health {(up ? "up" : "down")}\n"), cancel);
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
