namespace Tusk.Environments;

/// <summary>
/// $TUSK_HOME/env.conf: where the inventory lives and the allocation pools, one "key = value"
/// per line, lines starting with '#' are comments. Keys: db (an Npgsql connection string), pool.subnet
/// ("10.128.0.0/12 /24"), pool.node_port, pool.pf_port, pool.http_port, pool.https_port ("20000-21999").
/// </summary>
public sealed record EnvConfig(string? ConnectionString, AllocationPools Pools)
{
    public const string FileName = "env.conf";

    public static EnvConfig Default { get; } = new(null, AllocationPools.Default);

    /// <summary>Reads the file's text; every problem is reported as "env.conf:LINE: ...".</summary>
    public static EnvConfig? Parse(string text, out IReadOnlyList<string> problems)
    {
        var found = new List<string>();
        string? db = null;
        var subnets = AllocationPools.Default.Subnets;
        var ports = new Dictionary<string, PortRange>(AllocationPools.Default.Ports);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            // Only whole-line comments: a connection string's password may contain '#'.
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                found.Add($"{FileName}:{i + 1}: expected key = value, found \"{line}\"");
                continue;
            }

            var key = line[..equals].Trim();
            var value = line[(equals + 1)..].Trim();
            if (key == "db")
            {
                db = value;
            }
            else if (key == "pool.subnet")
            {
                subnets = SubnetPool.Parse(value, out var problem) ?? subnets;
                if (problem is not null)
                {
                    found.Add($"{FileName}:{i + 1}: {problem}");
                }
            }
            else if (key.StartsWith("pool.", StringComparison.Ordinal) && PortColumns.All.Contains(key[5..]))
            {
                if (PortRange.Parse(value) is { } range)
                {
                    ports[key[5..]] = range;
                }
                else
                {
                    found.Add($"{FileName}:{i + 1}: \"{value}\" is not a port range; write e.g. 20000-21999");
                }
            }
            else
            {
                found.Add($"{FileName}:{i + 1}: unknown key \"{key}\"; the keys are db, pool.subnet, {string.Join(", ", PortColumns.All.Select(c => "pool." + c))}");
            }
        }

        var pools = new AllocationPools(subnets, ports);
        found.AddRange(pools.Problems().Select(p => $"{FileName}: {p}"));
        problems = found;
        return found.Count == 0 ? new EnvConfig(db, pools) : null;
    }
}
