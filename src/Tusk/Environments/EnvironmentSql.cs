using System.Globalization;
using System.Text.Json;

namespace Tusk.Environments;

/// <summary>
/// The statements that write environments. "auto" becomes a sub-select picking the first free
/// value of the pool, inside the same INSERT or UPDATE, so the value is chosen and claimed by one
/// statement and the database's keys and exclusion constraint decide between concurrent writers.
/// A row comes back only when every auto value was found; none comes back when a pool is empty.
/// </summary>
public static class EnvironmentSql
{
    public const string Columns = "name, provider, subnet::text, node_port, pf_port, http_port, https_port, labels::text, created_at, updated_at";

    private static readonly string[] ValueColumns = ["subnet", .. PortColumns.All];

    public static SqlStatement Insert(EnvironmentRequest request, AllocationPools pools)
    {
        var p = new Parameters();
        var name = p.Add(request.Name);
        var values = ValuesSelect(request, pools, p, name, adding: true, out var autos);
        var text = $"""
            INSERT INTO tusk.environments (name, provider, subnet, node_port, pf_port, http_port, https_port, labels)
            SELECT {name}::text, {p.Add(request.Provider!)}::text, v.subnet, v.node_port, v.pf_port, v.http_port, v.https_port, {p.Add(LabelsJson(request.Labels))}::jsonb
            FROM ({values}) AS v
            WHERE {Found(autos)}
            RETURNING {Columns}
            """;
        return new SqlStatement(text, p.Values);
    }

    /// <summary>An UPDATE of the values the request changes; no row comes back when the name is unknown or a pool is empty.</summary>
    public static SqlStatement Update(EnvironmentRequest request, AllocationPools pools)
    {
        var p = new Parameters();
        var name = p.Add(request.Name);
        var values = ValuesSelect(request, pools, p, name, adding: false, out var autos);
        var sets = new List<string>();
        if (request.Provider is not null)
        {
            sets.Add($"provider = {p.Add(request.Provider)}::text");
        }

        sets.AddRange(ValueColumns.Where(c => Requested(request, c).Kind != RequestKind.Unchanged).Select(c => $"{c} = v.{c}"));
        if (request.Labels is { Count: > 0 } || request.RemovedLabels is { Count: > 0 })
        {
            sets.Add($"labels = (e.labels || {p.Add(LabelsJson(request.Labels))}::jsonb) - {p.Add((request.RemovedLabels ?? []).ToArray())}::text[]");
        }

        if (sets.Count == 0)
        {
            // Nothing to change: touch the row so the caller still learns whether it exists.
            sets.Add("provider = e.provider");
        }

        var text = $"""
            UPDATE tusk.environments AS e SET {string.Join(", ", sets)}
            FROM ({values}) AS v
            WHERE e.name = {name}::text AND {Found(autos)}
            RETURNING {string.Join(", ", Columns.Split(", ").Select(c => "e." + c))}
            """;
        return new SqlStatement(text, p.Values);
    }

    /// <summary>The values an add or set would get, without writing: tells which pool is empty when no row came back.</summary>
    public static SqlStatement Preview(EnvironmentRequest request, AllocationPools pools, bool adding)
    {
        var p = new Parameters();
        var name = p.Add(request.Name);
        return new SqlStatement(ValuesSelect(request, pools, p, name, adding, out _), p.Values);
    }

    private static string ValuesSelect(EnvironmentRequest request, AllocationPools pools, Parameters p, string name, bool adding, out List<string> autos)
    {
        autos = [];
        var exacts = request.ExactPorts().Select(e => e.Port).ToArray();
        string? exactsParameter = null;
        var select = new List<string>();
        foreach (var column in ValueColumns)
        {
            var requested = Requested(request, column);
            if (requested.Kind == RequestKind.Unchanged && !adding)
            {
                continue;
            }

            var type = column == "subnet" ? "cidr" : "integer";
            var expression = requested.Kind switch
            {
                RequestKind.Exact => $"{p.Add(requested.Exact!)}::text::{type}",
                RequestKind.Auto when column == "subnet" => FreeSubnet(pools.Subnets, p, name),
                RequestKind.Auto => FreePort(column, pools.Port(column), p, name, exactsParameter ??= p.Add(exacts)),
                _ => $"NULL::{type}",
            };
            if (requested.Kind == RequestKind.Auto)
            {
                autos.Add(column);
            }

            select.Add($"{expression} AS {column}");
        }

        return select.Count == 0 ? "SELECT 1 AS nothing" : "SELECT " + string.Join(",\n       ", select);
    }

    private static ValueRequest Requested(EnvironmentRequest request, string column) =>
        column == "subnet" ? request.Subnet : request.PortRequest(column);

    private static string Found(List<string> autos) => autos.Count == 0 ? "true" : string.Join(" AND ", autos.Select(c => $"v.{c} IS NOT NULL"));

    // The lowest free value: the first entry of the pool's free list (migration 3) that this
    // request does not give to another column, or the value this environment already has in the
    // column when that is lower. One index probe, not a pass over every taken value. The list is
    // a cache: a stale entry makes the write fail on a key, and the store then prunes the lists.
    private static string FreePort(string column, PortRange range, Parameters p, string name, string exacts)
    {
        var (first, last) = (p.Add(range.First), p.Add(range.Last));
        return $"""
            least(
                (SELECT f.port FROM tusk.free_ports f
                  WHERE f.port BETWEEN {first}::integer AND {last}::integer AND f.port <> ALL ({exacts}::integer[])
                  ORDER BY f.port LIMIT 1 FOR UPDATE SKIP LOCKED),
                (SELECT ep.port FROM tusk.environment_ports ep
                  WHERE ep.environment = {name}::text AND ep.kind = '{column}'
                    AND ep.port BETWEEN {first}::integer AND {last}::integer AND ep.port <> ALL ({exacts}::integer[])))
            """;
    }

    // The same for subnets: the pool's lowest free subnet, or this environment's own when it is
    // one of the pool's and lower.
    private static string FreeSubnet(SubnetPool pool, Parameters p, string name)
    {
        var (network, length) = (p.Add(pool.Network.ToString()), p.Add(pool.PrefixLength));
        return $"""
            least(
                (SELECT f.subnet FROM tusk.free_subnets f
                  WHERE f.subnet <<= {network}::cidr AND masklen(f.subnet) = {length}::integer
                  ORDER BY f.subnet LIMIT 1 FOR UPDATE SKIP LOCKED),
                (SELECT o.subnet FROM tusk.environments o
                  WHERE o.name = {name}::text AND o.subnet <<= {network}::cidr AND masklen(o.subnet) = {length}::integer))
            """;
    }

    /// <summary>Removes free-list entries that are taken after all (left by a race with a pool's registration or a release).</summary>
    public const string PruneFreeLists = """
        DELETE FROM tusk.free_ports f USING tusk.environment_ports ep WHERE f.port = ep.port;
        DELETE FROM tusk.free_subnets f USING tusk.environments e WHERE e.subnet && f.subnet
        """;

    public static string LabelsJson(IReadOnlyDictionary<string, string>? labels) =>
        JsonSerializer.Serialize(labels ?? new Dictionary<string, string>(), PlainJson.Default.IReadOnlyDictionaryStringString);

    /// <summary>Collects parameter values and hands out their placeholders.</summary>
    private sealed class Parameters
    {
        public List<object> Values { get; } = [];

        public string Add(object value)
        {
            Values.Add(value);
            return "$" + Values.Count.ToString(CultureInfo.InvariantCulture);
        }
    }
}
