using System.Globalization;
using System.Text.RegularExpressions;

namespace Tusk.Planning.Backups;

/// <summary>
/// Where a restore stops replaying WAL, as pgBackRest restore options. Recovery always ends
/// with promotion (--target-action=promote, set by the runtime), so the timeline moves forward.
/// </summary>
public sealed partial record RestoreTarget(string Description, IReadOnlyList<string> Options)
{
    /// <summary>Restore options a spec may give (dataSource.postgresCluster.options); the rest are Tusk's.</summary>
    private static readonly string[] AllowedOptions = ["--type=", "--target=", "--set=", "--target-exclusive", "--target-timeline="];
    private static readonly string[] Types = ["default", "immediate", "time", "lsn", "xid", "name"];

    /// <summary>The end of the archive: everything that was archived is replayed.</summary>
    public static RestoreTarget Latest { get; } = new("the end of the archived WAL", ["--type=default"]);

    public static RestoreTarget ToTime(DateTimeOffset time)
    {
        var text = time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00";
        return new($"time {text}", ["--type=time", $"--target={text}"]);
    }

    public static RestoreTarget ToLsn(string lsn) => new($"LSN {lsn}", ["--type=lsn", $"--target={lsn}"]);

    /// <summary>Just the backup: replay only the WAL that makes it consistent.</summary>
    public static RestoreTarget ToBackup(string label) => new($"backup {label}", [$"--set={label}", "--type=immediate"]);

    public static bool IsLsn(string text) => LsnPattern().IsMatch(text);

    /// <summary>A time as users type it: ISO 8601 or PostgreSQL's "2026-11-30 14:00:00+00"; without an offset it is UTC.</summary>
    public static bool TryParseTime(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out time);

    /// <summary>From a spec's options (PGO's style); a sentence instead when one is not a restore option Tusk passes on.</summary>
    public static (RestoreTarget? Target, string? Problem) FromOptions(IReadOnlyList<string> options)
    {
        if (options.Count == 0)
        {
            return (Latest, null);
        }

        foreach (var option in options)
        {
            if (!AllowedOptions.Any(a => a.EndsWith('=') ? option.StartsWith(a, StringComparison.Ordinal) : option == a))
            {
                return (null, $"\"{option}\" is not a restore option Tusk passes on; use --type=, --target=, --set=, --target-exclusive or --target-timeline= (Tusk sets the paths, the repository and --target-action=promote)");
            }
        }

        var type = options.LastOrDefault(o => o.StartsWith("--type=", StringComparison.Ordinal))?["--type=".Length..] ?? "default";
        if (!Types.Contains(type))
        {
            return (null, $"--type={type} is not a restore type; use one of {string.Join(", ", Types)}");
        }

        var target = options.LastOrDefault(o => o.StartsWith("--target=", StringComparison.Ordinal))?["--target=".Length..];
        if (type is "time" or "lsn" or "xid" or "name" && string.IsNullOrWhiteSpace(target))
        {
            return (null, $"--type={type} needs --target=, e.g. {(type == "time" ? "--target=\"2026-11-30 14:00:00+00\"" : type == "lsn" ? "--target=0/3000000" : "--target=...")}");
        }

        if (type == "time")
        {
            if (!TryParseTime(target!, out var time))
            {
                return (null, $"--target={target} is not a time; write it like 2026-11-30 14:00:00+00");
            }

            // pgBackRest picks the backup to start from by parsing the target itself, in PostgreSQL's format.
            var normalized = ToTime(time);
            return (normalized with { Options = [.. options.Where(o => !o.StartsWith("--type=", StringComparison.Ordinal) && !o.StartsWith("--target=", StringComparison.Ordinal)), .. normalized.Options] }, null);
        }

        if (type == "lsn" && !IsLsn(target!))
        {
            return (null, $"--target={target} is not an LSN; write it like 0/3000000");
        }

        var set = options.LastOrDefault(o => o.StartsWith("--set=", StringComparison.Ordinal))?["--set=".Length..];
        var description = (type, set) switch
        {
            ("immediate", not null) => $"backup {set}",
            ("default", _) => "the end of the archived WAL" + (set is null ? "" : $" from backup {set}"),
            ("immediate", null) => "the newest backup",
            ("lsn", _) => $"LSN {target}" + (set is null ? "" : $" from backup {set}"),
            _ => $"{type} {target}" + (set is null ? "" : $" from backup {set}"),
        };
        return (new RestoreTarget(description, [.. options]), null);
    }

    [GeneratedRegex("^[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}$")]
    private static partial Regex LsnPattern();
}
