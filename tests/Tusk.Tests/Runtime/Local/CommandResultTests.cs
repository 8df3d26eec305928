using Tusk.Runtime.Local.Processes;

namespace Tusk.Tests.Runtime.Local;

/// <summary>The line of a failed command's output that a status message quotes.</summary>
public sealed class CommandResultTests
{
    [Fact]
    public void PgBackRests_error_line_is_quoted_rather_than_the_hint_after_it()
    {
        // pgBackRest 2.45's output when the data directory is not empty (measured here).
        var result = new CommandResult(40, "", "WARN: some warning\nERROR: [040]: unable to restore to path '/d' because it contains files\n       HINT: try using --delta if this is what you intended.\n");
        Assert.Equal("ERROR: [040]: unable to restore to path '/d' because it contains files", result.LastWords);
    }

    [Fact]
    public void Without_an_error_line_the_last_line_is_quoted_and_without_output_the_exit_code()
    {
        Assert.Equal("second", new CommandResult(1, "", "first\nsecond\n\n").LastWords);
        Assert.Equal("from stdout", new CommandResult(1, "from stdout\n", "  ").LastWords);
        Assert.Equal("exit code 3", new CommandResult(3, "", "").LastWords);
    }
}
