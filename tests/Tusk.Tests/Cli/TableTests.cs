using System.Runtime.Versioning;
using Tusk.Cli.Output;

namespace Tusk.Tests.Cli;

[SupportedOSPlatform("linux")]
public class TableTests
{
    private static string Write(IReadOnlyList<string> headers, params IReadOnlyList<string>[] rows)
    {
        using var output = new StringWriter { NewLine = "\n" };
        Table.Write(output, headers, rows);
        return output.ToString();
    }

    [Fact]
    public void Columns_are_as_wide_as_their_widest_cell_with_two_spaces_between_them()
    {
        var text = Write(["NAME", "PHASE", "AGE"], ["hippo", "Ready", "5m"], ["rhino-long-name", "Creating", "12s"]);

        Assert.Equal(
            "NAME             PHASE     AGE\n" +
            "hippo            Ready     5m\n" +
            "rhino-long-name  Creating  12s\n",
            text);
    }

    [Fact]
    public void The_last_column_is_not_padded()
    {
        var text = Write(["NAME", "ENDPOINT"], ["a", "127.0.0.1:5432"], ["b", "x"]);

        Assert.All(text.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.False(line.EndsWith(' '), $"trailing space in \"{line}\""));
        Assert.Contains("b     x\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_last_cell_leaves_no_trailing_spaces()
    {
        Assert.Equal("NAME   NOTE\nhippo\n", Write(["NAME", "NOTE"], ["hippo", ""]));
    }

    [Fact]
    public void A_table_without_rows_prints_its_headers()
    {
        Assert.Equal("NAME  PHASE\n", Write(["NAME", "PHASE"]));
    }
}
