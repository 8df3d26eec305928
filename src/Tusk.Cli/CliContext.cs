using Tusk.Runtime.Local;
using Tusk.Runtime.Local.Agent;

namespace Tusk.Cli;

/// <summary>What every command handler gets: where to write, which state directory, and the agent (started on demand).</summary>
public sealed class CliContext(TextWriter output, TextWriter error, TuskHome home)
{
    public TextWriter Out { get; } = output;
    public TextWriter Err { get; } = error;
    public TuskHome Home { get; } = home;

    /// <summary>A client of a running agent, starting one if none answers; null (after saying why) when it cannot start.</summary>
    public async Task<AgentClient?> AgentAsync(CancellationToken cancel)
    {
        var client = new AgentClient(Home);
        if (await client.EnsureRunningAsync(cancel))
        {
            return client;
        }

        client.Dispose();
        await Err.WriteLineAsync($"error: the Tusk agent did not start; its log is {Home.AgentLog}");
        return null;
    }
}
