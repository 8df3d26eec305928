using System.Globalization;
using Tusk.Cli.Output;
using Tusk.Environments;

namespace Tusk.Cli.Commands;

/// <summary>How `tusk env` prints environments: a table for people, JSON/YAML/CSV for scripts.</summary>
public static class EnvOutput
{
    public static readonly string[] Formats = ["table", "json", "yaml", "csv"];

    public static void Write(TextWriter output, string format, IReadOnlyList<KubeEnvironment> environments, bool one)
    {
        if (format == "csv")
        {
            output.Write(EnvironmentCsv.Write(environments));
            return;
        }

        if (one ? OutputFormat.TryWriteStructured(output, format, environments[0], Json.Types.KubeEnvironment) : OutputFormat.TryWriteStructured(output, format, environments, Json.Types.IReadOnlyListKubeEnvironment))
        {
            return;
        }

        var now = DateTimeOffset.UtcNow;
        Table.Write(output, ["NAME", "PROVIDER", "SUBNET", "PORTS", "AGE"], environments.Select(e => (IReadOnlyList<string>)
        [
            e.Name,
            e.Provider,
            e.Subnet ?? "-",
            Ports(e),
            Age.Since(e.CreatedAt, now),
        ]));
    }

    /// <summary>"node:30000 pf:24000 http:20000 https:22000", leaving out the ports an environment has not.</summary>
    public static string Ports(KubeEnvironment environment)
    {
        var ports = PortColumns.All
            .Where(c => environment.Port(c) is not null)
            .Select(c => $"{c[..c.IndexOf('_', StringComparison.Ordinal)]}:{environment.Port(c)!.Value.ToString(CultureInfo.InvariantCulture)}")
            .ToList();
        return ports.Count == 0 ? "-" : string.Join(' ', ports);
    }
}
