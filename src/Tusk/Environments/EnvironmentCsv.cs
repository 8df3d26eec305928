using System.Globalization;
using System.Text;

namespace Tusk.Environments;

/// <summary>
/// The seed's CSV shape, read and written: a header
/// "name,provider,subnet,node_port,pf_port,http_port,https_port", then one environment per line.
/// Empty fields are empty values; "auto" asks for allocation. Blank lines and lines starting with
/// '#' are ignored. Fields may be quoted ("...", with "" for a quote).
/// </summary>
public static class EnvironmentCsv
{
    public static readonly IReadOnlyList<string> Header = ["name", "provider", "subnet", .. PortColumns.All];

    public static CsvParseResult Parse(string text)
    {
        var rows = new List<CsvEnvironment>();
        var problems = new List<CsvProblem>();
        var firstLineOf = new Dictionary<string, int>();
        var headerSeen = false;
        var dataLines = 0;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var number = i + 1;
            var line = lines[i].TrimEnd('\r');
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var fields = Split(line, out var quoteProblem);
            if (quoteProblem is not null)
            {
                problems.Add(new CsvProblem(number, quoteProblem));
                dataLines += headerSeen ? 1 : 0;
                continue;
            }

            if (!headerSeen)
            {
                headerSeen = true;
                if (!fields.Select(f => f.Trim().ToLowerInvariant()).SequenceEqual(Header))
                {
                    problems.Add(new CsvProblem(number, $"the first line must be the header {string.Join(',', Header)}; found {line.Trim()}"));
                    return new CsvParseResult([], problems, 0);
                }

                continue;
            }

            dataLines++;
            if (fields.Count != Header.Count)
            {
                problems.Add(new CsvProblem(number, $"expected {Header.Count} fields ({string.Join(',', Header)}), found {fields.Count}"));
                continue;
            }

            var (request, lineProblems) = Request(fields);
            if (request is not null && firstLineOf.TryGetValue(request.Name, out var first))
            {
                lineProblems.Add($"{request.Name} is already on line {first}");
            }

            if (lineProblems.Count > 0)
            {
                problems.Add(new CsvProblem(number, string.Join("; ", lineProblems)));
                continue;
            }

            firstLineOf[request!.Name] = number;
            rows.Add(new CsvEnvironment(number, request));
        }

        if (!headerSeen)
        {
            problems.Add(new CsvProblem(1, $"the file is empty; it needs the header {string.Join(',', Header)}"));
        }

        return new CsvParseResult(rows, problems, dataLines);
    }

    private static (EnvironmentRequest? Request, List<string> Problems) Request(List<string> fields)
    {
        var problems = new List<string>();
        var name = fields[0].Trim();
        var provider = fields[1].Trim();
        if (EnvironmentRules.NameProblem(name) is { } nameProblem)
        {
            problems.Add(nameProblem);
        }

        if (EnvironmentRules.ProviderProblem(provider) is { } providerProblem)
        {
            problems.Add(providerProblem);
        }

        var subnet = ValueRequest.ParseSubnet(fields[2], out var subnetProblem);
        if (subnetProblem is not null)
        {
            problems.Add(subnetProblem);
        }

        var ports = new Dictionary<string, ValueRequest>();
        for (var i = 0; i < PortColumns.All.Count; i++)
        {
            var column = PortColumns.All[i];
            if (ValueRequest.ParsePort(fields[3 + i], column, out var portProblem) is { } port)
            {
                ports[column] = port;
            }
            else
            {
                problems.Add(portProblem!);
            }
        }

        if (problems.Count > 0)
        {
            return (null, problems);
        }

        var request = new EnvironmentRequest(name, provider, subnet!.Value, ports);
        problems.AddRange(EnvironmentRules.Check(request, adding: true));
        return (request, problems);
    }

    /// <summary>Splits one line on commas, honouring double quotes.</summary>
    private static List<string> Split(string line, out string? problem)
    {
        problem = null;
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        if (quoted)
        {
            problem = "a quoted field is not closed";
        }

        fields.Add(field.ToString());
        return fields;
    }

    /// <summary>The inventory in the same shape, header first, empty fields for missing values; labels are not part of the shape.</summary>
    public static string Write(IEnumerable<KubeEnvironment> environments)
    {
        var text = new StringBuilder();
        text.Append(string.Join(',', Header)).Append('\n');
        foreach (var e in environments)
        {
            text.Append(string.Join(',', new[] { e.Name, e.Provider, e.Subnet ?? "" }.Concat(PortColumns.All.Select(c => e.Port(c)?.ToString(CultureInfo.InvariantCulture) ?? "")))).Append('\n');
        }

        return text.ToString();
    }
}
