using System.Globalization;
using System.Net;

namespace Tusk.Environments;

/// <summary>A requested subnet or port: unchanged, empty, auto, or an exact value (canonical text).</summary>
public readonly record struct ValueRequest(RequestKind Kind, string? Exact = null)
{
    public static readonly ValueRequest Unchanged = new(RequestKind.Unchanged);
    public static readonly ValueRequest Empty = new(RequestKind.Empty);
    public static readonly ValueRequest Auto = new(RequestKind.Auto);

    public static ValueRequest Port(int port) => new(RequestKind.Exact, port.ToString(CultureInfo.InvariantCulture));

    public int ExactPort() => int.Parse(Exact!, CultureInfo.InvariantCulture);

    /// <summary>Reads "auto", "none" (or an empty field), or a port 1-65535; null with the reason otherwise.</summary>
    public static ValueRequest? ParsePort(string text, string column, out string? problem)
    {
        problem = null;
        var value = text.Trim();
        if (Keyword(value) is { } keyword)
        {
            return keyword;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535)
        {
            return Port(port);
        }

        problem = $"{column} \"{value}\" is not a port; use a number from 1 to 65535, auto or none";
        return null;
    }

    /// <summary>Reads "auto", "none" (or an empty field), or a network in CIDR notation with no host bits set.</summary>
    public static ValueRequest? ParseSubnet(string text, out string? problem)
    {
        problem = null;
        var value = text.Trim();
        if (Keyword(value) is { } keyword)
        {
            return keyword;
        }

        if (!value.Contains('/', StringComparison.Ordinal) || !IPNetwork.TryParse(value, out var network))
        {
            problem = $"subnet \"{value}\" is not a network in CIDR notation (e.g. 10.0.0.0/24), auto or none";
            return null;
        }

        // IPNetwork accepts host bits; PostgreSQL's cidr does not, and neither would a network.
        var canonical = Truncate(value);
        if (!IPAddress.Parse(value.Split('/')[0]).Equals(network.BaseAddress) || canonical != $"{network.BaseAddress}/{network.PrefixLength}")
        {
            problem = $"subnet \"{value}\" has host bits set; the network is {canonical}";
            return null;
        }

        return new ValueRequest(RequestKind.Exact, canonical);
    }

    private static ValueRequest? Keyword(string value) => value.ToLowerInvariant() switch
    {
        "" or "none" => Empty,
        "auto" => Auto,
        _ => null,
    };

    /// <summary>"10.0.0.1/24" → "10.0.0.0/24", to tell the user which network they meant.</summary>
    private static string Truncate(string value)
    {
        var parts = value.Split('/');
        if (parts.Length != 2 || !IPAddress.TryParse(parts[0], out var address) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var length))
        {
            return "?";
        }

        var bytes = address.GetAddressBytes();
        for (var bit = Math.Max(0, length); bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return $"{new IPAddress(bytes)}/{length}";
    }
}
