using System.Globalization;
using System.Text.RegularExpressions;

namespace Tusk.Api.Validation;

/// <summary>
/// Checks spec.users[].options, which is spliced into CREATE ROLE: only role attributes are
/// allowed, never PASSWORD (Tusk generates it) and never anything that could end the statement.
/// </summary>
public static partial class RoleOptions
{
    private static readonly string[] Flags =
        ["SUPERUSER", "CREATEDB", "CREATEROLE", "INHERIT", "LOGIN", "REPLICATION", "BYPASSRLS"];

    /// <summary>The first thing wrong with the options, or null when they are valid.</summary>
    public static string? Check(string options)
    {
        var tokens = Token().Matches(options).Select(m => m.Value).ToList();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < tokens.Count; i++)
        {
            var word = tokens[i].ToUpperInvariant();
            if (word is "PASSWORD" or "ENCRYPTED" or "UNENCRYPTED")
            {
                return "PASSWORD cannot be set here: Tusk generates every password (see `tusk show user`)";
            }

            var flag = word.StartsWith("NO", StringComparison.Ordinal) && Flags.Contains(word[2..]) ? word[2..] : word;
            if (Flags.Contains(flag))
            {
                // PostgreSQL refuses any attribute given twice ("conflicting or redundant options").
                if (seen.TryGetValue(flag, out var earlier))
                {
                    return earlier == word ? $"{word} is given twice; keep one" : $"{earlier} and {word} contradict each other; keep one";
                }

                seen[flag] = word;
                continue;
            }

            if (word == "CONNECTION" && i + 2 < tokens.Count && tokens[i + 1].Equals("LIMIT", StringComparison.OrdinalIgnoreCase))
            {
                if (!int.TryParse(tokens[i + 2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var limit) || limit < -1)
                {
                    return $"CONNECTION LIMIT needs a whole number ≥ -1, got {tokens[i + 2]}";
                }

                if (!seen.TryAdd("CONNECTION LIMIT", word))
                {
                    return "CONNECTION LIMIT is given twice; keep one";
                }

                i += 2;
                continue;
            }

            // A lone "'" is not a literal: spliced into CREATE ROLE it would open a string that swallows what follows.
            if (word == "VALID" && i + 2 < tokens.Count && tokens[i + 1].Equals("UNTIL", StringComparison.OrdinalIgnoreCase)
                && tokens[i + 2].Length >= 2 && tokens[i + 2].StartsWith('\'') && tokens[i + 2].EndsWith('\''))
            {
                if (!seen.TryAdd("VALID UNTIL", word))
                {
                    return "VALID UNTIL is given twice; keep one";
                }

                i += 2;
                continue;
            }

            return $"\"{tokens[i]}\" is not a role attribute; use SUPERUSER, CREATEDB, CREATEROLE, INHERIT, LOGIN, REPLICATION, BYPASSRLS (or their NO forms), CONNECTION LIMIT n or VALID UNTIL 'timestamp'";
        }

        return null;
    }

    // Quoted literals stay one token ('2030-01-01 00:00'); anything else splits on whitespace.
    [GeneratedRegex("'[^']*'|[^\\s]+")]
    private static partial Regex Token();
}
