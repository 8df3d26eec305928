using System.Globalization;

namespace Tusk.Cli;

/// <summary>Durations as people write them: 90s, 5m, 1h, 300 (seconds), or 00:05:00. Never negative.</summary>
public static class Durations
{
    public static TimeSpan? Parse(string text)
    {
        var parsed = ParseAny(text);
        return parsed < TimeSpan.Zero ? null : parsed;
    }

    private static TimeSpan? ParseAny(string text)
    {
        // A bare number is seconds (TimeSpan.Parse would read "300" as 300 days).
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (text.Length > 1 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
        {
            switch (text[^1])
            {
                case 's': return TimeSpan.FromSeconds(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) ? span : null;
    }
}
