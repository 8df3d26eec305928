using System.Globalization;
using System.Text.RegularExpressions;
using Tusk.Api;

namespace Tusk.Planning.Backups;

/// <summary>
/// Where a restore stops replaying WAL, as pgBackRest restore options (they also pick the
/// backup to start from) and as the PostgreSQL recovery settings they stand for. Recovery
/// always ends with promotion, so the timeline moves forward.
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

    /// <summary>
    /// Whether recovery fetches each WAL segment itself (archive-get without archive-async)
    /// rather than through pgBackRest's background prefetch. Prefetching pays for long replays,
    /// but a segment it has not queued yet costs about 0.2 s (a background process started and
    /// waited for: 227 ms against 18 ms for one segment fetched directly, here), and every
    /// recovery asks for at least two such: its first segment, and its last once more when it
    /// ends. Set by <see cref="WithWalFetchFor"/>.
    /// </summary>
    public bool FetchesWalDirectly { get; init; }

    /// <summary>The most WAL segments a recovery fetches directly (<see cref="FetchesWalDirectly"/>).</summary>
    private const int FewSegments = 8;

    /// <summary>
    /// This target, fetching WAL directly when recovery replays only a few segments: a backup
    /// restored to its consistency point needs just the WAL written while it ran, which
    /// pgBackRest's info names. Any other target may replay the archive for hours.
    /// </summary>
    public RestoreTarget WithWalFetchFor(IEnumerable<BackupRecord> backups) => this with
    {
        FetchesWalDirectly = Last("--type=") == "immediate" && Last("--set=") is { } label
            && backups.FirstOrDefault(b => b.Label == label) is { WalStart: { } start, WalStop: { } stop }
            && SegmentsApart(start, stop) is < FewSegments,
    };

    /// <summary>
    /// How many segments lie between two WAL file names (TTTTTTTTXXXXXXXXYYYYYYYY: timeline, log,
    /// segment); null unless both are on one timeline and log, which is all a short range needs.
    /// </summary>
    private static uint? SegmentsApart(string first, string last) =>
        first.Length == 24 && last.Length == 24 && string.Equals(first[..16], last[..16], StringComparison.OrdinalIgnoreCase)
        && uint.TryParse(first[16..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var from)
        && uint.TryParse(last[16..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var to) && to >= from
            ? to - from
            : null;

    /// <summary>
    /// The recovery settings pgBackRest would write for these options, except that recovery
    /// pauses at its target: the agent resumes it, which ends recovery and promotes. (Patroni
    /// runs a custom bootstrap whose recovery promotes by itself with hot_standby off, and
    /// must restart PostgreSQL afterwards; a pausing one keeps hot_standby on.)
    /// </summary>
    public IReadOnlyDictionary<string, string> RecoverySettings()
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        var type = Last("--type=") ?? "default";
        if (type == "immediate")
        {
            settings["recovery_target"] = "immediate";
        }
        else if (type != "default")
        {
            settings[$"recovery_target_{type}"] = Last("--target=")!;
        }

        if (type != "default")
        {
            settings["recovery_target_action"] = "pause";
        }

        if (Options.Contains("--target-exclusive"))
        {
            settings["recovery_target_inclusive"] = "false";
        }

        if (Last("--target-timeline=") is { } timeline)
        {
            settings["recovery_target_timeline"] = timeline;
        }

        return settings;
    }

    /// <summary>Whether recovery stops at a target (then it pauses or promotes there); with type default it replays the whole archive and promotes at its end.</summary>
    public bool StopsAtTarget => (Last("--type=") ?? "default") != "default";

    private string? Last(string prefix) => Options.LastOrDefault(o => o.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..];

    public static bool IsLsn(string text) => LsnPattern().IsMatch(text);

    /// <summary>
    /// Why pgBackRest would find no backup to start this restore from, or null when it would (or
    /// when the target does not choose the backup: --set, immediate, the end of the archive).
    /// pgBackRest 2.45 (restore.c) takes the newest backup that ended strictly before a time
    /// target, comparing whole seconds with the target's fraction dropped, so a backup that
    /// ended in the target's own second does not count even when it ended before it; for an
    /// LSN target, one whose stop LSN is at or before it. It refuses only once it runs, and by
    /// then a restore in place has stopped the cluster: hence the same rule here, first.
    /// </summary>
    public string? NoBackupToStartFrom(IReadOnlyCollection<BackupRecord> backups)
    {
        if (Last("--set=") is not null || Last("--target=") is not { } target || backups.Count == 0)
        {
            return null;
        }

        var oldest = backups.MinBy(b => b.StoppedAt)!;
        if (Last("--type=") == "time" && TryParseTime(target, out var time)
            && !backups.Any(b => b.StoppedAt.ToUnixTimeSeconds() < time.ToUnixTimeSeconds()))
        {
            return $"the oldest backup ended at {oldest.StoppedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC; a restore can only reach times from the next whole second on ({oldest.StoppedAt.UtcDateTime.AddSeconds(1):yyyy-MM-dd HH:mm:ss} UTC or later): pgBackRest starts only from a backup that ended in an earlier second than the target";
        }

        if (Last("--type=") == "lsn" && IsLsn(target)
            && !backups.Any(b => b.LsnStop is null || !IsLsn(b.LsnStop) || Lsn(b.LsnStop) <= Lsn(target)))
        {
            return $"the oldest backup ends at LSN {oldest.LsnStop}; a restore can only reach LSNs from there on";
        }

        return null;
    }

    /// <summary>An LSN as one number: "16/B374D848" is 0x16B374D848.</summary>
    private static ulong Lsn(string text)
    {
        var halves = text.Split('/');
        return (ulong.Parse(halves[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture) << 32) | ulong.Parse(halves[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

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
                return (null, $"\"{option}\" is not a restore option Tusk passes on; use --type=, --target=, --set=, --target-exclusive or --target-timeline= (Tusk sets the paths, the repository and what happens at the target: promotion)");
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
