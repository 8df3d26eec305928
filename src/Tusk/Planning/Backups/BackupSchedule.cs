using NCrontab;

namespace Tusk.Planning.Backups;

/// <summary>
/// Backup schedules (spec.backups.pgbackrest.repos[].schedules): standard five-field cron, read in UTC.
/// Pure: the caller passes "now" and remembers the last slot it ran, so the decision is testable
/// without clocks and survives agent restarts.
/// </summary>
public static class BackupSchedule
{
    private const string Fields = "minute hour day-of-month month day-of-week";
    private const string Example = "e.g. \"0 1 * * 0\" for Sundays at 01:00 UTC";

    private static readonly (string Name, string Range)[] FieldRanges =
    [
        ("minute", "0-59"),
        ("hour", "0-23"),
        ("day-of-month", "1-31"),
        ("month", "1-12 or JAN-DEC"),
        ("day-of-week", "0-6 (0 is Sunday) or SUN-SAT"),
    ];

    /// <summary>Searches back this far for the latest slot; older slots are treated as never due.</summary>
    private static readonly TimeSpan LookBack = TimeSpan.FromDays(366);

    /// <summary>Null when <paramref name="cron"/> is a usable schedule, else a sentence saying what is wrong.</summary>
    public static string? Problem(string cron)
    {
        var fields = cron.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 0)
        {
            return $"the cron schedule is empty: it needs five fields ({Fields}), {Example}";
        }

        if (fields.Length == 6)
        {
            return $"\"{cron}\" has six fields, but seconds are not supported: it needs five fields ({Fields}), {Example}";
        }

        if (fields.Length != 5)
        {
            return $"\"{cron}\" is not a cron schedule: it needs five fields ({Fields}), {Example}";
        }

        if (Parse(cron) is not { } schedule)
        {
            // Name the first field that fails on its own, with "*" in the others.
            for (var i = 0; i < fields.Length; i++)
            {
                var probe = string.Join(' ', Enumerable.Range(0, 5).Select(j => j == i ? fields[j] : "*"));
                if (Parse(probe) is null)
                {
                    var (name, range) = FieldRanges[i];
                    return $"\"{cron}\" is not a cron schedule: the {name} field \"{fields[i]}\" must be {range}, a list (1,15), a range (1-5), a step (*/15) or *; {Example}";
                }
            }

            return $"\"{cron}\" is not a cron schedule ({Fields}); {Example}";
        }

        // "0 0 30 2 *" parses but never fires; eight years cover every leap day (2096 -> 2104).
        var from = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var until = from.AddYears(9);
        if (schedule.GetNextOccurrence(from, until) >= until)
        {
            return $"\"{cron}\" never fires: no calendar date matches its day-of-month and month fields; {Example}";
        }

        return null;
    }

    /// <summary>The latest slot at or before <paramref name="now"/>, searching back at most 366 days; null if none or the cron is invalid.</summary>
    public static DateTimeOffset? LatestSlot(string cron, DateTimeOffset now)
    {
        if (Parse(cron) is not { } schedule)
        {
            return null;
        }

        var nowUtc = now.UtcDateTime;
        // NCrontab returns occurrences strictly after the start and strictly before the end:
        // one tick past "now" makes a slot exactly at "now" count.
        var end = nowUtc.AddTicks(1);
        // Widen the window step by step so a per-minute schedule walks 60 slots, not half a million.
        foreach (var window in new[] { TimeSpan.FromHours(1), TimeSpan.FromDays(1), TimeSpan.FromDays(32), LookBack })
        {
            DateTime? latest = null;
            var cursor = nowUtc - window;
            while (true)
            {
                var next = schedule.GetNextOccurrence(cursor, end);
                if (next >= end)
                {
                    break;
                }

                latest = next;
                cursor = next;
            }

            if (latest is { } found)
            {
                return Utc(found);
            }
        }

        return null;
    }

    /// <summary>The first slot strictly after <paramref name="now"/>; null if none within nine years or the cron is invalid.</summary>
    public static DateTimeOffset? Next(string cron, DateTimeOffset now)
    {
        if (Parse(cron) is not { } schedule)
        {
            return null;
        }

        var nowUtc = now.UtcDateTime;
        var until = nowUtc.AddYears(9);
        var next = schedule.GetNextOccurrence(nowUtc, until);
        return next < until ? Utc(next) : null;
    }

    /// <summary>
    /// The slot that should run now, or null. A schedule never seen (<paramref name="lastSlot"/> null)
    /// is not due: the caller records <see cref="LatestSlot"/> as its baseline, so creating a cluster
    /// does not fire a backup for a past slot. After downtime covering many slots this returns only
    /// the newest one: one catch-up run, never one per missed slot.
    /// </summary>
    public static DateTimeOffset? Due(string cron, DateTimeOffset? lastSlot, DateTimeOffset now)
    {
        if (lastSlot is not { } last)
        {
            return null;
        }

        return LatestSlot(cron, now) is { } latest && latest > last ? latest : null;
    }

    private static CrontabSchedule? Parse(string cron)
    {
        if (string.IsNullOrWhiteSpace(cron) || HasZeroStep(cron))
        {
            return null;
        }

        try
        {
            return CrontabSchedule.TryParse(cron.Trim(), new CrontabSchedule.ParseOptions { IncludingSeconds = false });
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException or InvalidOperationException)
        {
            // TryParse should not throw; keep any library surprise from reaching the caller.
            return null;
        }
    }

    /// <summary>NCrontab accepts "*/0"; a step of zero means nothing, so it is refused here.</summary>
    private static bool HasZeroStep(string cron) =>
        cron.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(field => field.Split(','))
            .Select(part => part.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? part[(slash + 1)..] : null)
            .Any(step => step is not null && int.TryParse(step, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n == 0);

    private static DateTimeOffset Utc(DateTime occurrence) =>
        new(DateTime.SpecifyKind(occurrence, DateTimeKind.Utc), TimeSpan.Zero);
}
