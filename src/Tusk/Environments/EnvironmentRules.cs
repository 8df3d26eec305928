using System.Text.RegularExpressions;

namespace Tusk.Environments;

/// <summary>
/// The rules a request must follow before it reaches the database, each broken rule as a sentence.
/// The database enforces the same rules (checks, keys, exclusion); checking first lets the user
/// see every problem at once, in words, instead of the first constraint name.
/// </summary>
public static partial class EnvironmentRules
{
    public const int MaxNameLength = 63;

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    public static string? NameProblem(string name) =>
        name.Length <= MaxNameLength && DnsLabel().IsMatch(name)
            ? null
            : $"\"{name}\" is not a valid environment name; use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit (a DNS-1123 label)";

    public static string? ProviderProblem(string provider) =>
        Providers.All.Contains(provider) ? null : $"provider \"{provider}\" is not supported; use {string.Join(" or ", Providers.All)}";

    /// <summary>Every problem of an add (<paramref name="adding"/>) or a set, in the order of the fields.</summary>
    public static IReadOnlyList<string> Check(EnvironmentRequest request, bool adding)
    {
        var problems = new List<string>();
        if (NameProblem(request.Name) is { } name)
        {
            problems.Add(name);
        }

        if (request.Provider is null)
        {
            if (adding)
            {
                problems.Add($"a provider is required; add --provider {string.Join("|", Providers.All)}");
            }
        }
        else if (ProviderProblem(request.Provider) is { } provider)
        {
            problems.Add(provider);
        }

        var seen = new Dictionary<int, string>();
        foreach (var (column, port) in request.ExactPorts())
        {
            if (seen.TryGetValue(port, out var first))
            {
                problems.Add($"{column} {port} is the same as {first}; no port may be used twice");
            }
            else
            {
                seen[port] = column;
            }
        }

        foreach (var key in request.Labels?.Keys ?? [])
        {
            if (key.Length == 0)
            {
                problems.Add("a label needs a key: write --label key=value");
            }
        }

        return problems;
    }
}
