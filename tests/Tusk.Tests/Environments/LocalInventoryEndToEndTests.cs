using System.Runtime.Versioning;
using Tusk.Environments;
using Tusk.Tests.Runtime.Local.EndToEnd;

namespace Tusk.Tests.Environments;

/// <summary>With no database configured, `tusk env` keeps the inventory in a local Tusk cluster it creates itself.</summary>
[SupportedOSPlatform("linux")]
public sealed class LocalInventoryEndToEndTests
{
    [Fact]
    public async Task With_no_database_configured_the_inventory_lives_in_the_local_tusk_system_cluster_and_says_so()
    {
        await using var sandbox = new TuskSandbox();

        var list = await sandbox.RunOkAsync("env", "list");
        var add = await sandbox.RunOkAsync("env", "add", "dev", "--provider", "kind");
        var again = await sandbox.RunOkAsync("env", "list", "-o", "csv");

        Assert.Contains("using the local inventory in cluster tusk-system (set --db or TUSK_ENV_DB to use another database)", list.Err, StringComparison.Ordinal);
        Assert.Contains($"created the inventory schema (version {Migrations.Latest})", list.Err, StringComparison.Ordinal);
        Assert.StartsWith("No environments.", list.Out, StringComparison.Ordinal);
        Assert.Contains("dev   kind", add.Out, StringComparison.Ordinal);
        Assert.Equal("name,provider,subnet,node_port,pf_port,http_port,https_port\ndev,kind,10.128.0.0/24,30000,24000,20000,22000\n", again.Out);
        Assert.Equal("Ready", (await sandbox.ClusterAsync(LocalInventory.ClusterName)).Status?.Phase);
    }
}
