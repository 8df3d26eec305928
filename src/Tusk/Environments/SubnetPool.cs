using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Tusk.Environments;

/// <summary>An IPv4 network cut into equal subnets: "10.128.0.0/12 in /24s" gives 4,096 of them.</summary>
public sealed record SubnetPool(IPNetwork Network, int PrefixLength)
{
    /// <summary>How many subnets fit.</summary>
    public long Count => 1L << (PrefixLength - Network.PrefixLength);

    /// <summary>Addresses per subnet, the distance between two candidates.</summary>
    public long Step => 1L << (32 - PrefixLength);

    public string BaseAddress => Network.BaseAddress.ToString();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Network} /{PrefixLength}");

    /// <summary>Reads "10.128.0.0/12 /24" (the network, then the size of each subnet); null with the reason otherwise.</summary>
    public static SubnetPool? Parse(string text, out string? problem)
    {
        problem = null;
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !IPNetwork.TryParse(parts[0], out var network) || network.BaseAddress.AddressFamily != AddressFamily.InterNetwork
            || !parts[1].StartsWith('/') || !int.TryParse(parts[1][1..], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            problem = $"\"{text}\" is not a subnet pool; write an IPv4 network and the size of each subnet, e.g. 10.128.0.0/12 /24";
            return null;
        }

        if (length < network.PrefixLength || length > 30)
        {
            problem = $"subnets of /{length} do not fit in {network}; use a size from /{network.PrefixLength} to /30";
            return null;
        }

        return new SubnetPool(network, length);
    }
}
