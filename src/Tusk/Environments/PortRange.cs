using System.Globalization;

namespace Tusk.Environments;

/// <summary>An inclusive range of ports, written "20000-21999".</summary>
public readonly record struct PortRange(int First, int Last)
{
    public int Count => Last - First + 1;

    public bool Overlaps(PortRange other) => First <= other.Last && other.First <= Last;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{First}-{Last}");

    public static PortRange? Parse(string text)
    {
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            && first is >= 1 and <= 65535 && last is >= 1 and <= 65535 && first <= last
            ? new PortRange(first, last)
            : null;
    }
}
