using System.Text.Json.Nodes;
using Tusk.Api;

namespace Tusk.Runtime.Local.Backups;

/// <summary>Reads `pgbackrest info --output=json`: the backups of every repository, and each repository's health. Pure.</summary>
public static class PgBackRestInfo
{
    public static IReadOnlyList<BackupRecord> Backups(string json) =>
        Stanza(json)?["backup"] is JsonArray backups
            ? backups.OfType<JsonObject>().Select(b => new BackupRecord(
                (string)b["label"]!,
                (string)b["type"]!,
                $"repo{(int?)b["database"]?["repo-key"] ?? 1}",
                DateTimeOffset.FromUnixTimeSeconds((long)b["timestamp"]!["start"]!),
                DateTimeOffset.FromUnixTimeSeconds((long)b["timestamp"]!["stop"]!),
                (long?)b["info"]?["size"] ?? 0,
                (long?)b["info"]?["repository"]?["delta"] ?? (long?)b["info"]?["repository"]?["size"] ?? 0,
                (string?)b["archive"]?["start"],
                (string?)b["archive"]?["stop"],
                (string?)b["lsn"]?["start"],
                (string?)b["lsn"]?["stop"])).ToList()
            : [];

    /// <summary>Each repository's status code and message ("ok", "no valid backups", ...), by repoN.</summary>
    public static IReadOnlyDictionary<string, (bool Ok, string Message)> Repos(string json)
    {
        var result = new Dictionary<string, (bool, string)>(StringComparer.Ordinal);
        foreach (var repo in (Stanza(json)?["repo"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var code = (int?)repo["status"]?["code"] ?? 99;
            result[$"repo{(int?)repo["key"]}"] = (code is 0, (string?)repo["status"]?["message"] ?? "unknown");
        }

        return result;
    }

    private static JsonObject? Stanza(string json) => JsonNode.Parse(json) is JsonArray { Count: > 0 } stanzas ? stanzas[0] as JsonObject : null;
}
