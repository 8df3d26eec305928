namespace Tusk.Environments;

/// <summary>
/// Where "auto" takes values from: one subnet pool and one port range per port column. The
/// default ranges are disjoint, sit below Linux's ephemeral ports (32768-60999) so a kernel-chosen
/// client port never lands on them, and node_port is Kubernetes' NodePort range.
/// </summary>
public sealed record AllocationPools(SubnetPool Subnets, IReadOnlyDictionary<string, PortRange> Ports)
{
    public static AllocationPools Default { get; } = new(
        SubnetPool.Parse("10.128.0.0/12 /24", out _)!,
        new Dictionary<string, PortRange>
        {
            [PortColumns.NodePort] = new(30000, 32767),
            [PortColumns.PfPort] = new(24000, 25999),
            [PortColumns.HttpPort] = new(20000, 21999),
            [PortColumns.HttpsPort] = new(22000, 23999),
        });

    public PortRange Port(string column) => Ports[column];

    /// <summary>Port ranges that overlap: an auto value of one column could then be taken from another's.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        for (var i = 0; i < PortColumns.All.Count; i++)
        {
            for (var j = i + 1; j < PortColumns.All.Count; j++)
            {
                var (a, b) = (PortColumns.All[i], PortColumns.All[j]);
                if (Port(a).Overlaps(Port(b)))
                {
                    problems.Add($"the pools of {a} ({Port(a)}) and {b} ({Port(b)}) overlap; give each column its own range");
                }
            }
        }

        return problems;
    }
}
