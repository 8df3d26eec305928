using System.CommandLine;
using Tusk.Runtime.Local;

namespace Tusk.Cli.Commands;

/// <summary>`tusk logs CLUSTER [MEMBER]`: the last lines of each member's log (Patroni and PostgreSQL), and HAProxy's.</summary>
public static class LogsCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("cluster") { Description = "The cluster's name" };
        var member = new Argument<string?>("member") { Description = "Only this member (default: all, and HAProxy)", Arity = ArgumentArity.ZeroOrOne };
        var ns = Options.Namespace();
        var tail = new Option<int>("--tail") { Description = "Lines per log", DefaultValueFactory = _ => 50 };
        var command = new Command("logs", "Show a cluster's logs") { name, member, ns, tail };
        command.SetAction((result, _) => Task.FromResult(Run(context, result.GetValue(ns)!, result.GetValue(name)!, result.GetValue(member), result.GetValue(tail))));
        return command;
    }

    public static int Run(CliContext context, string ns, string name, string? member, int tail)
    {
        var directory = new ClusterDirectory(context.Home.ClusterDirectory(ns, name));
        if (!Directory.Exists(directory.Members))
        {
            context.Err.WriteLine($"error: there is no cluster {ns}/{name}; `tusk get clusters` lists them");
            return ExitCodes.NotFound;
        }

        var logs = Directory.GetDirectories(directory.Members).Order(StringComparer.Ordinal)
            .Select(d => (Name: Path.GetFileName(d), File: Path.Combine(d, "patroni.log")))
            .Append((Name: "haproxy", File: directory.HaproxyLog))
            .Where(l => member is null || l.Name == member)
            .ToList();
        if (logs.Count == 0)
        {
            context.Err.WriteLine($"error: {name} has no member \"{member}\"; `tusk describe cluster {name}` lists them");
            return ExitCodes.NotFound;
        }

        foreach (var (logName, file) in logs)
        {
            context.Out.WriteLine($"==> {logName} ({file}) <==");
            if (File.Exists(file))
            {
                foreach (var line in File.ReadLines(file).TakeLast(tail))
                {
                    context.Out.WriteLine(line);
                }
            }
        }

        return ExitCodes.Ok;
    }
}
