using System.Runtime.Versioning;
using Tusk.Environments;

namespace Tusk.Tests.Environments;

[SupportedOSPlatform("linux")]
public class EnvConfigTests
{
    [Fact]
    public void The_default_pools_do_not_overlap_and_hold_4096_subnets()
    {
        Assert.Empty(AllocationPools.Default.Problems());
        Assert.Equal(4096, AllocationPools.Default.Subnets.Count);
        Assert.Equal(256, AllocationPools.Default.Subnets.Step);
    }

    [Fact]
    public void The_file_sets_the_database_and_the_pools_keeping_defaults_for_the_rest()
    {
        var config = EnvConfig.Parse("""
            # inventory
            db = Host=db.example;Database=inventory;Password=a#b
            pool.subnet = 172.30.0.0/16 /26
            pool.http_port = 8000-8099
            """, out var problems);

        Assert.Empty(problems);
        Assert.Equal("Host=db.example;Database=inventory;Password=a#b", config!.ConnectionString);
        Assert.Equal(1024, config.Pools.Subnets.Count);
        Assert.Equal(new PortRange(8000, 8099), config.Pools.Port(PortColumns.HttpPort));
        Assert.Equal(AllocationPools.Default.Port(PortColumns.NodePort), config.Pools.Port(PortColumns.NodePort));
    }

    [Fact]
    public void Every_problem_of_the_file_is_reported_with_its_line()
    {
        var config = EnvConfig.Parse("""
            pool.subnet = 10.0.0.0/24 /16
            pool.pf_port = 9000
            colour = blue
            pool.https_port = 20500-20600
            """, out var problems);

        Assert.Null(config);
        Assert.Equal(
        [
            "env.conf:1: subnets of /16 do not fit in 10.0.0.0/24; use a size from /24 to /30",
            "env.conf:2: \"9000\" is not a port range; write e.g. 20000-21999",
            "env.conf:3: unknown key \"colour\"; the keys are db, pool.subnet, pool.node_port, pool.pf_port, pool.http_port, pool.https_port",
            "env.conf: the pools of http_port (20000-21999) and https_port (20500-20600) overlap; give each column its own range",
        ], problems);
    }
}
