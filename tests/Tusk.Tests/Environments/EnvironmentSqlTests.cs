using System.Runtime.Versioning;
using Tusk.Environments;

namespace Tusk.Tests.Environments;

[SupportedOSPlatform("linux")]
public class EnvironmentSqlTests
{
    [Fact]
    public void An_auto_add_claims_every_value_in_one_statement_and_returns_no_row_when_a_pool_is_empty()
    {
        var statement = EnvironmentSql.Insert(EnvironmentRequest.AllAuto("dev", Providers.K3d), AllocationPools.Default);

        Assert.StartsWith("INSERT INTO tusk.environments", statement.Text, StringComparison.Ordinal);
        Assert.Contains("WHERE v.subnet IS NOT NULL AND v.node_port IS NOT NULL AND v.pf_port IS NOT NULL AND v.http_port IS NOT NULL AND v.https_port IS NOT NULL", statement.Text, StringComparison.Ordinal);
        Assert.Contains(20000, statement.Parameters);
        Assert.Contains(21999, statement.Parameters);
    }

    [Fact]
    public void A_set_writes_only_the_values_it_names()
    {
        var request = new EnvironmentRequest("dev", null, ValueRequest.Unchanged, new Dictionary<string, ValueRequest> { [PortColumns.HttpPort] = ValueRequest.Port(8080) });

        var statement = EnvironmentSql.Update(request, AllocationPools.Default);

        Assert.Contains("SET http_port = v.http_port", statement.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("subnet = ", statement.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("provider = $", statement.Text, StringComparison.Ordinal);
        Assert.Equal(["dev", "8080"], statement.Parameters);
    }

    [Fact]
    public void Conflict_sentences_name_the_holder_and_its_column()
    {
        Assert.Equal("http_port 8080 is already used by uat (as https_port)", ConflictMessages.PortHeld("http_port", 8080, "uat", "https_port"));
        Assert.Equal("subnet 10.0.0.128/25 overlaps 10.0.0.0/24 of dev", ConflictMessages.SubnetOverlaps("10.0.0.128/25", "10.0.0.0/24", "dev"));
        Assert.Equal("subnet 10.0.0.0/24 is already used by dev", ConflictMessages.SubnetOverlaps("10.0.0.0/24", "10.0.0.0/24", "dev"));
    }

    [Fact]
    public void A_report_that_was_rolled_back_says_nothing_was_imported()
    {
        var report = new ImportReport([new(2, "dev", ImportResult.Added), new(3, "devops", ImportResult.Skipped, "devops"), new(4, "uat", ImportResult.Failed, "why")], Committed: false);

        Assert.Equal("total 3, added 0, updated 0, skipped 1, failed 1 — nothing was imported (a file is one transaction); fix the failed lines and run the import again", report.Summary());
        Assert.Equal("total 1, added 1, updated 0, skipped 0, failed 0", new ImportReport([new(2, "dev", ImportResult.Added)], Committed: true).Summary());
    }
}
