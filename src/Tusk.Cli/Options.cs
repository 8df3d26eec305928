using System.CommandLine;
using Tusk.Api;
using Tusk.Cli.Output;

namespace Tusk.Cli;

/// <summary>Options several commands share, defined once so they read the same everywhere.</summary>
public static class Options
{
    public static Option<string> Namespace() => new("--namespace", "-n")
    {
        Description = "The cluster's namespace",
        DefaultValueFactory = _ => ClusterDefaults.Namespace,
    };

    public static Option<string> Output() => new Option<string>("--output", "-o")
    {
        Description = "Output format: table (for people), json or yaml (for scripts)",
        DefaultValueFactory = _ => "table",
    }.AcceptOnlyFromAmong(OutputFormat.Names);

    public static Option<TimeSpan> Timeout(int seconds) => new("--timeout")
    {
        Description = "How long --wait waits, e.g. 90s or 00:05:00",
        DefaultValueFactory = _ => TimeSpan.FromSeconds(seconds),
        CustomParser = r =>
        {
            if (Durations.Parse(r.Tokens[0].Value) is { } duration)
            {
                return duration;
            }

            r.AddError($"\"{r.Tokens[0].Value}\" is not a duration; write e.g. 90s, 5m or 00:05:00");
            return default;
        },
    };
}
