using System.Text.RegularExpressions;

namespace Tusk.Images.Registry;

/// <summary>A WWW-Authenticate challenge: `Bearer realm="...",service="...",scope="..."` or `Basic realm="..."`.</summary>
public sealed partial record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public string? Realm => Parameters.GetValueOrDefault("realm");
    public string? Service => Parameters.GetValueOrDefault("service");

    public static AuthChallenge? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        header = header.Trim();
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        var scheme = space < 0 ? header : header[..space];
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (space > 0)
        {
            foreach (Match m in Parameter().Matches(header[(space + 1)..]))
            {
                parameters[m.Groups["key"].Value] = m.Groups["quoted"].Success ? m.Groups["quoted"].Value : m.Groups["plain"].Value;
            }
        }

        return new AuthChallenge(scheme, parameters);
    }

    [GeneratedRegex("""(?<key>[A-Za-z_]+)=(?:"(?<quoted>[^"]*)"|(?<plain>[^,\s]*))""")]
    private static partial Regex Parameter();
}
