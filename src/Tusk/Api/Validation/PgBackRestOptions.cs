using System.Globalization;
using System.Text.RegularExpressions;
using Tusk.Api.Reading;

namespace Tusk.Api.Validation;

/// <summary>
/// Keys of spec.backups.pgbackrest.global: pgBackRest 2.45 option names as written in
/// pgbackrest.conf. Tuning options are accepted; options Tusk must own (paths, storage,
/// stanza, console logging) are refused with the reason. Names and ranges were checked
/// against `pgbackrest help` of the installed 2.45.
/// </summary>
public static partial class PgBackRestOptions
{
    public const string PgBackRestVersion = "2.45";

    private const string Reference = "https://pgbackrest.org/configuration.html";

    /// <summary>The repositories spec.backups.pgbackrest.repos can declare: repo1..repo4.</summary>
    private const int MaxRepo = 4;

    /// <summary>Repository options a user may tune, written repoN-&lt;suffix&gt;.</summary>
    private static readonly string[] TunableRepoSuffixes =
    [
        "retention-full", "retention-full-type", "retention-diff", "retention-archive",
        "retention-archive-type", "retention-history", "bundle", "bundle-size", "bundle-limit", "hardlink",
    ];

    /// <summary>Options without an index a user may tune.</summary>
    private static readonly string[] TunableGlobal =
    [
        "compress-type", "compress-level", "compress-level-network", "process-max", "buffer-size", "start-fast",
        "archive-push-queue-max", "archive-get-queue-max", "archive-timeout", "archive-check", "archive-copy",
        "archive-missing-retry", "checksum-page", "delta", "io-timeout", "db-timeout", "protocol-timeout",
        "manifest-save-threshold", "resume", "expire-auto", "log-level-file", "log-level-stderr",
        "log-subprocess", "log-timestamp", "sck-keep-alive", "tcp-keep-alive-count", "tcp-keep-alive-idle",
        "tcp-keep-alive-interval",
    ];

    private const string StorageReason = "the local runtime keeps repositories in directories";
    private const string BetaReason = "block incremental is a beta feature in pgBackRest 2.45 (it needs beta=y, \"do not use in production\")";

    /// <summary>Repository options Tusk owns; a suffix ending in '-' matches every option it starts.</summary>
    private static readonly (string Suffix, string Reason)[] ManagedRepoSuffixes =
    [
        ("path", "set spec.backups.pgbackrest.repos[].path instead"),
        ("type", StorageReason),
        ("s3-", StorageReason),
        ("gcs-", StorageReason),
        ("azure-", StorageReason),
        ("storage-", StorageReason),
        ("host", "Tusk runs pgBackRest on each member against a repository on the same machine"),
        ("host-", "Tusk runs pgBackRest on each member against a repository on the same machine"),
        ("cipher-type", "encryption keys would have to be stored in the spec; not supported yet"),
        ("cipher-pass", "encryption keys would have to be stored in the spec; not supported yet"),
        ("block", BetaReason),
        ("block-", BetaReason),
    ];

    private const string PerRunReason = "it belongs to a single command run; Tusk passes it when it runs that command";
    private const string FilesReason = "Tusk keeps each member's spool, lock and log files under its state directory";
    private const string ConfigReason = "Tusk writes each member's pgbackrest.conf";

    /// <summary>Options without an index Tusk owns, or that belong to one command run rather than the configuration.</summary>
    private static readonly Dictionary<string, string> ManagedGlobal = new(StringComparer.Ordinal)
    {
        ["spool-path"] = FilesReason,
        ["lock-path"] = FilesReason,
        ["log-path"] = FilesReason,
        ["archive-async"] = "Tusk archives asynchronously with a spool directory per member",
        ["stanza"] = "Tusk names the stanza after the cluster",
        ["config"] = ConfigReason,
        ["config-path"] = ConfigReason,
        ["config-include-path"] = ConfigReason,
        ["log-level-console"] = "Tusk keeps the console at warn so archive-push does not flood PostgreSQL's log",
        ["backup-standby"] = "Tusk backs up from the primary",
        ["beta"] = "beta features are not for production",
        ["cmd"] = "Tusk runs the installed pgbackrest",
        ["cmd-ssh"] = "Tusk runs pgBackRest locally on each member, without SSH",
        ["repo"] = "Tusk picks the repository for each command from spec.backups.pgbackrest.repos",
        ["compress"] = "it is deprecated; use compress-type",
        ["archive-header-check"] = "turning it off hides WAL from the wrong cluster; Tusk keeps it on",
        ["archive-mode"] = PerRunReason,
        ["archive-mode-check"] = "turning it off hides a broken archive_mode; Tusk keeps it on",
        ["neutral-umask"] = "Tusk keeps repository files private to the cluster's user",
        ["stop-auto"] = "it applies only to exclusive backups, which Tusk never takes",
        ["type"] = PerRunReason,
        ["set"] = PerRunReason,
        ["online"] = PerRunReason,
        ["force"] = PerRunReason,
        ["dry-run"] = PerRunReason,
        ["output"] = PerRunReason,
        ["annotation"] = PerRunReason,
        ["exclude"] = PerRunReason,
        ["target"] = PerRunReason,
        ["target-action"] = PerRunReason,
        ["target-exclusive"] = PerRunReason,
        ["target-timeline"] = PerRunReason,
        ["recovery-option"] = PerRunReason,
        ["link-all"] = PerRunReason,
        ["link-map"] = PerRunReason,
        ["tablespace-map"] = PerRunReason,
        ["tablespace-map-all"] = PerRunReason,
        ["db-include"] = PerRunReason,
        ["db-exclude"] = PerRunReason,
        ["verbose"] = PerRunReason,
    };

    private static readonly string[] Booleans =
    [
        "start-fast", "delta", "archive-check", "archive-copy", "archive-missing-retry", "resume", "expire-auto",
        "checksum-page", "log-subprocess", "log-timestamp", "sck-keep-alive", "bundle", "hardlink", "block",
    ];

    private static readonly string[] CompressTypes = ["none", "bz2", "gz", "lz4", "zst"];
    private static readonly string[] LogLevels = ["off", "error", "warn", "info", "detail", "debug", "trace"];

    /// <summary>Null when <paramref name="name"/> may be set in spec.backups.pgbackrest.global, else a sentence saying why not.</summary>
    public static string? Problem(string name, IReadOnlyCollection<int> declaredRepos)
    {
        if (name.StartsWith('-'))
        {
            return $"\"{name}\" must be written without leading dashes, as in pgbackrest.conf: {name.TrimStart('-')}";
        }

        if (RepoIndexed().Match(name) is { Success: true } repo)
        {
            var suffix = repo.Groups[2].Value;
            if (ManagedRepoReason(suffix) is { } reason)
            {
                return $"{name} is managed by Tusk: {reason}";
            }

            if (!TunableRepoSuffixes.Contains(suffix, StringComparer.Ordinal))
            {
                return Unknown(name, declaredRepos);
            }

            // "repo-retention-full", as the reference writes it: pgbackrest.conf needs the index.
            if (repo.Groups[1].Value.Length == 0)
            {
                var first = declaredRepos.Count > 0 ? declaredRepos.Min() : 1;
                return $"{name} needs a repository index: write repo{first}-{suffix}";
            }

            var index = int.Parse(repo.Groups[1].Value, CultureInfo.InvariantCulture);
            return IndexProblem(name, index, suffix, declaredRepos);
        }

        if (PgIndexed().IsMatch(name))
        {
            return $"{name} is managed by Tusk: Tusk sets the PostgreSQL paths, ports and sockets of every member";
        }

        if (ManagedGlobal.TryGetValue(name, out var globalReason))
        {
            return $"{name} is managed by Tusk: {globalReason}";
        }

        if (TunableGlobal.Contains(name, StringComparer.Ordinal))
        {
            return null;
        }

        // "retention-full": the repository prefix is missing.
        if (TunableRepoSuffixes.Contains(name, StringComparer.Ordinal))
        {
            var first = declaredRepos.Count > 0 ? declaredRepos.Min() : 1;
            return $"{name} needs a repository index: write repo{first}-{name}";
        }

        return Unknown(name, declaredRepos);
    }

    /// <summary>Null when <paramref name="value"/> suits option <paramref name="name"/> (or the option's values are not checked here), else a sentence.</summary>
    public static string? ValueProblem(string name, string value)
    {
        var option = RepoIndexed().Match(name) is { Success: true } repo ? repo.Groups[2].Value : name;
        switch (option)
        {
            case "retention-full" or "retention-diff" or "retention-archive":
                return Whole(name, value, 1, 9_999_999);
            case "retention-history":
                // 0 is meaningful here: keep history only for unexpired backups.
                return Whole(name, value, 0, 9_999_999);
            case "process-max":
                return Whole(name, value, 1, 999);
            case "compress-type":
                return OneOf(name, value, CompressTypes);
            case "retention-full-type":
                return OneOf(name, value, ["count", "time"]);
            case "retention-archive-type":
                return OneOf(name, value, ["full", "diff", "incr"]);
            case "log-level-file" or "log-level-stderr":
                return OneOf(name, value, LogLevels);
            default:
                return Booleans.Contains(option, StringComparer.Ordinal) ? OneOf(name, value, ["y", "n"]) : null;
        }
    }

    private static string? ManagedRepoReason(string suffix)
    {
        foreach (var (managed, reason) in ManagedRepoSuffixes)
        {
            var matches = managed.EndsWith('-')
                ? suffix.StartsWith(managed, StringComparison.Ordinal)
                : suffix == managed;
            if (matches)
            {
                return reason;
            }
        }

        return null;
    }

    private static string? IndexProblem(string name, int index, string suffix, IReadOnlyCollection<int> declaredRepos)
    {
        if (declaredRepos.Contains(index))
        {
            return null;
        }

        var declared = declaredRepos.Where(r => r is >= 1 and <= MaxRepo).Order().ToList();
        var instead = declared.Count == 0
            ? "declare it there first"
            : $"declare it or use {string.Join(" or ", declared.Select(r => $"repo{r}-{suffix}"))}";
        return index is < 1 or > MaxRepo
            ? $"{name}: repo{index} is outside repo1..repo{MaxRepo}, the repositories spec.backups.pgbackrest.repos can declare; {instead}"
            : $"{name}: repo{index} is not declared in spec.backups.pgbackrest.repos; {instead}";
    }

    private static string Unknown(string name, IReadOnlyCollection<int> declaredRepos)
    {
        var known = TunableGlobal.Concat(
            declaredRepos.Distinct().Order().SelectMany(r => TunableRepoSuffixes.Select(s => $"repo{r}-{s}")));
        return Suggestions.Closest(name, known) is { } closest
            ? $"{name} is not a pgBackRest {PgBackRestVersion} option; did you mean {closest}?"
            : $"{name} is not a pgBackRest {PgBackRestVersion} option; see {Reference}";
    }

    private static string? Whole(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? null
            : $"{name} needs a whole number from {min} to {max}, got \"{value}\"";

    private static string? OneOf(string name, string value, string[] allowed) =>
        allowed.Contains(value, StringComparer.Ordinal)
            ? null
            : $"{name} must be {string.Join(", ", allowed.SkipLast(1))} or {allowed[^1]}, got \"{value}\"";

    // At most nine digits so the index always fits an int.
    [GeneratedRegex("^repo([0-9]{0,9})-(.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex RepoIndexed();

    [GeneratedRegex("^pg[0-9]*-", RegexOptions.CultureInvariant)]
    private static partial Regex PgIndexed();
}
