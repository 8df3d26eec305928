using Tusk.Cli.Commands;

namespace Tusk.Tests.Cli;

public class RestoreCommandTests
{
    [Theory]
    [InlineData(null, null, null, "name exactly one target")]
    [InlineData("2026-11-30 14:00:00+00", "0/3000000", null, "name exactly one target")]
    [InlineData("yesterday", null, null, "--to-time: \"yesterday\" is not a time")]
    [InlineData(null, "3000000", null, "--to-lsn: \"3000000\" is not an LSN")]
    public void A_restore_needs_exactly_one_target_written_as_pgBackRest_understands_it(string? time, string? lsn, string? backup, string expected)
    {
        var (target, problem) = RestoreCommand.Target(time, lsn, backup);

        Assert.Null(target);
        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_flag_names_its_own_kind_of_target()
    {
        Assert.Equal(["--type=time", "--target=2026-11-30 14:00:00.000000+00"], RestoreCommand.Target("2026-11-30T14:00:00Z", null, null).Target!.Options);
        Assert.Equal(["--type=lsn", "--target=0/3000000"], RestoreCommand.Target(null, "0/3000000", null).Target!.Options);
        Assert.Equal(["--set=20261130-140814F", "--type=immediate"], RestoreCommand.Target(null, null, "20261130-140814F").Target!.Options);
    }
}
