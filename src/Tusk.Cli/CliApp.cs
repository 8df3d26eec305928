using System.CommandLine;
using Tusk.Cli.Commands;

namespace Tusk.Cli;

/// <summary>The `tusk` command tree. Built from a context, so tests run any command with their own writers and state directory.</summary>
public static class CliApp
{
    public static RootCommand Build(CliContext context) => new("Tusk runs PostgreSQL clusters: real PostgreSQL, Patroni, etcd and HAProxy processes on this machine, from one PostgresCluster manifest.")
    {
        ApplyCommand.Create(context),
        CreateCommand.Create(context),
        GetCommand.Create(context),
        DescribeCommand.Create(context),
        ShowUserCommand.Create(context),
        ConnectCommand.Create(context),
        SwitchoverCommand.Create(context),
        BackupCommand.Create(context),
        RestoreCommand.Create(context),
        SwitchoverCommand.CreateFailover(context),
        DeleteCommand.Create(context),
        LogsCommand.Create(context),
        AgentCommand.Create(context),
        EnvCommand.Create(context),
        ImagesCommand.Create(context),
        CrdCommand.Create(context),
        OperatorCommand.Create(context),
    };

    public static Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancel = default) =>
        Build(context).Parse(args).InvokeAsync(new InvocationConfiguration { Output = context.Out, Error = context.Err }, cancel);
}
