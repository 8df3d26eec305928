using System.Runtime.Versioning;
using Tusk.Environments;

namespace Tusk.Tests.Environments;

[SupportedOSPlatform("linux")]
public class EnvironmentCsvTests
{
    private const string Header = "name,provider,subnet,node_port,pf_port,http_port,https_port";

    [Fact]
    public void The_seeds_shape_is_read_with_empty_fields_as_empty_values_and_auto_as_allocation()
    {
        var result = EnvironmentCsv.Parse($"{Header}\r\ndev,k3d,10.0.0.0/24,30080,,auto,8443\r\n");

        Assert.Empty(result.Problems);
        var row = Assert.Single(result.Rows);
        Assert.Equal(2, row.Line);
        Assert.Equal(("dev", "k3d", "10.0.0.0/24"), (row.Request.Name, row.Request.Provider, row.Request.Subnet.Exact));
        Assert.Equal(RequestKind.Empty, row.Request.PortRequest(PortColumns.PfPort).Kind);
        Assert.Equal(RequestKind.Auto, row.Request.PortRequest(PortColumns.HttpPort).Kind);
        Assert.Equal(8443, row.Request.PortRequest(PortColumns.HttpsPort).ExactPort());
    }

    [Fact]
    public void Malformed_lines_are_reported_with_their_line_numbers_and_every_reason()
    {
        var result = EnvironmentCsv.Parse($"""
            {Header}
            # a comment

            dev,k3d,10.0.0.0/24,30080,19000,8080,8443
            Bad_Name,docker,10.0.0.1/24,70000,x,,
            short,k3d
            dev,kind,,,,,
            """);

        Assert.Equal(["dev"], result.Rows.Select(r => r.Request.Name));
        Assert.Equal(4, result.DataLines);
        Assert.Equal([5, 6, 7], result.Problems.Select(p => p.Line));
        var bad = result.Problems[0].Message;
        Assert.Contains("\"Bad_Name\" is not a valid environment name", bad, StringComparison.Ordinal);
        Assert.Contains("provider \"docker\" is not supported; use k3d or kind", bad, StringComparison.Ordinal);
        Assert.Contains("subnet \"10.0.0.1/24\" has host bits set; the network is 10.0.0.0/24", bad, StringComparison.Ordinal);
        Assert.Contains("node_port \"70000\" is not a port", bad, StringComparison.Ordinal);
        Assert.Contains("pf_port \"x\" is not a port", bad, StringComparison.Ordinal);
        Assert.Equal("expected 7 fields (name,provider,subnet,node_port,pf_port,http_port,https_port), found 2", result.Problems[1].Message);
        Assert.Equal("dev is already on line 4", result.Problems[2].Message);
        Assert.Equal("line 6: expected 7 fields (name,provider,subnet,node_port,pf_port,http_port,https_port), found 2", result.Problems[1].ToString());
    }

    [Fact]
    public void A_file_without_the_header_is_refused_as_a_whole()
    {
        var result = EnvironmentCsv.Parse("dev,k3d,10.0.0.0/24,30080,19000,8080,8443\n");

        Assert.Empty(result.Rows);
        Assert.StartsWith("the first line must be the header name,provider,", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
        Assert.Single(EnvironmentCsv.Parse("").Problems);
    }

    [Fact]
    public void A_line_giving_one_port_to_two_columns_is_malformed()
    {
        var result = EnvironmentCsv.Parse($"{Header}\ndev,k3d,,8080,,8080,\n");

        Assert.Equal("line 2: http_port 8080 is the same as node_port; no port may be used twice", Assert.Single(result.Problems).ToString());
    }

    [Fact]
    public void Quoted_fields_are_read_and_an_unclosed_quote_is_reported()
    {
        var result = EnvironmentCsv.Parse($"{Header}\n\"dev\",\"k3d\",\"10.0.0.0/24\",,,,\n\"uat,k3d,,,,,\n");

        Assert.Equal("dev", Assert.Single(result.Rows).Request.Name);
        Assert.Equal("line 3: a quoted field is not closed", Assert.Single(result.Problems).ToString());
    }

    [Fact]
    public void What_is_written_reads_back_the_same()
    {
        var now = DateTimeOffset.UnixEpoch;
        var written = EnvironmentCsv.Write(
        [
            new KubeEnvironment("dev", "k3d", "10.0.0.0/24", 30080, null, 8080, 8443, new Dictionary<string, string>(), now, now),
            new KubeEnvironment("uat", "kind", null, null, null, null, null, new Dictionary<string, string>(), now, now),
        ]);

        Assert.Equal($"{Header}\ndev,k3d,10.0.0.0/24,30080,,8080,8443\nuat,kind,,,,,\n", written);
        var read = EnvironmentCsv.Parse(written);
        Assert.Empty(read.Problems);
        Assert.Equal(["dev", "uat"], read.Rows.Select(r => r.Request.Name));
    }
}
