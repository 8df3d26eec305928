namespace Tusk.Cli.Output;

/// <summary>kubectl-style ages: 42s, 5m, 3h, 2d.</summary>
public static class Age
{
    public static string Since(DateTimeOffset? time, DateTimeOffset now)
    {
        if (time is null)
        {
            return "-";
        }

        var age = now - time.Value;
        return age.TotalSeconds < 120 ? $"{Math.Max(0, (int)age.TotalSeconds)}s"
            : age.TotalMinutes < 120 ? $"{(int)age.TotalMinutes}m"
            : age.TotalHours < 48 ? $"{(int)age.TotalHours}h"
            : $"{(int)age.TotalDays}d";
    }
}
