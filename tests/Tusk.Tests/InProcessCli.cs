using Tusk.Cli;
using Tusk.Runtime.Local;

namespace Tusk.Tests;

/// <summary>Runs a `tusk` command in this process, for commands that need no agent, and collects what it printed.</summary>
public static class InProcessCli
{
    public static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, new CliContext(output, error, new TuskHome(Path.GetTempPath())));
        return (code, output.ToString(), error.ToString());
    }
}
