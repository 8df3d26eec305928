using System.CommandLine;
using Npgsql;
using Tusk.Environments;

namespace Tusk.Cli.Commands;

/// <summary>
/// `tusk env`: the inventory of Kubernetes environments (k3d and kind clusters) in PostgreSQL,
/// where ports and subnets are allocated atomically and conflicts are refused by the database.
/// </summary>
public static class EnvCommand
{
    public static Command Create(CliContext context)
    {
        var db = new Option<string?>("--db")
        {
            Description = $"Npgsql connection string of the inventory database (default: ${EnvStoreLocator.Variable}, then db in $TUSK_HOME/env.conf, then the local cluster {LocalInventory.ClusterName})",
            Recursive = true,
        };
        return new Command("env", "The inventory of Kubernetes environments (k3d, kind): names, subnets and ports, kept conflict-free by PostgreSQL")
        {
            db,
            Init(context, db),
            Add(context, db),
            Get(context, db),
            List(context, db),
            Set(context, db),
            Remove(context, db),
            Import(context, db),
            Export(context, db),
        };
    }

    private static Option<string> Output() => new Option<string>("--output", "-o")
    {
        Description = "Output format: table (for people), json, yaml or csv (for scripts)",
        DefaultValueFactory = _ => "table",
    }.AcceptOnlyFromAmong(EnvOutput.Formats);

    private static Option<string?> Value(string flag, string description) => new(flag) { Description = description };

    private sealed record ValueOptions(Option<string?> Subnet, Dictionary<string, Option<string?>> Ports, Option<string[]> Labels);

    private static ValueOptions Values(string missing) => new(
        Value("--subnet", $"CIDR, auto (lowest free subnet of the pool) or none; {missing}"),
        PortColumns.All.ToDictionary(c => c, c => Value(PortColumns.Flag(c), $"Port 1-65535, auto (lowest free of the {c} pool) or none; {missing}")),
        new Option<string[]>("--label") { Description = "A label key=value (repeatable)", AllowMultipleArgumentsPerToken = false, DefaultValueFactory = _ => [] });

    private static void AddTo(Command command, ValueOptions values)
    {
        command.Options.Add(values.Subnet);
        foreach (var option in values.Ports.Values)
        {
            command.Options.Add(option);
        }

        command.Options.Add(values.Labels);
    }

    private static Command Init(CliContext context, Option<string?> db)
    {
        var command = new Command("init", "Create the inventory's schema, or migrate it to this version of tusk (safe to run again, and concurrently)");
        command.SetAction(async (r, cancel) =>
        {
            await using var store = await EnvStoreLocator.OpenAsync(context, r.GetValue(db), cancel, migrate: false);
            if (store is null)
            {
                return ExitCodes.Failed;
            }

            try
            {
                var result = await store.MigrateAsync(cancel);
                await context.Out.WriteLineAsync(result.Describe());
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                await context.Err.WriteLineAsync($"error: {e.Message}");
                return ExitCodes.Failed;
            }
        });
        return command;
    }

    private static Command Add(CliContext context, Option<string?> db)
    {
        var name = new Argument<string>("name") { Description = "The environment's name (a DNS label, e.g. dev-k3d)" };
        var provider = new Option<string>("--provider") { Description = "k3d or kind", Required = true };
        provider.AcceptOnlyFromAmong([.. Providers.All]);
        var values = Values("default auto");
        var output = Output();
        var command = new Command("add", "Add an environment; values not given are allocated (lowest free of each pool)") { name, provider, output };
        AddTo(command, values);
        command.SetAction(async (r, cancel) =>
        {
            var request = Request(r, values, r.GetValue(name)!, r.GetValue(provider), ValueRequest.Auto, out var problems);
            if (request is null)
            {
                return await InvalidAsync(context, problems);
            }

            await using var store = await EnvStoreLocator.OpenAsync(context, r.GetValue(db), cancel);
            return store is null ? ExitCodes.Failed : await ReportAsync(context, await store.AddAsync(request, cancel), r.GetValue(output)!);
        });
        return command;
    }

    private static Command Set(CliContext context, Option<string?> db)
    {
        var name = new Argument<string>("name") { Description = "The environment's name" };
        var provider = new Option<string?>("--provider") { Description = "k3d or kind" };
        provider.AcceptOnlyFromAmong([.. Providers.All]);
        var values = Values("default unchanged");
        var removeLabels = new Option<string[]>("--remove-label") { Description = "A label key to remove (repeatable)", DefaultValueFactory = _ => [] };
        var output = Output();
        var command = new Command("set", "Change an environment's provider, subnet, ports or labels") { name, provider, removeLabels, output };
        AddTo(command, values);
        command.SetAction(async (r, cancel) =>
        {
            var request = Request(r, values, r.GetValue(name)!, r.GetValue(provider), ValueRequest.Unchanged, out var problems);
            if (request is null)
            {
                return await InvalidAsync(context, problems);
            }

            request = request with { RemovedLabels = r.GetValue(removeLabels) };
            await using var store = await EnvStoreLocator.OpenAsync(context, r.GetValue(db), cancel);
            return store is null ? ExitCodes.Failed : await ReportAsync(context, await store.SetAsync(request, cancel), r.GetValue(output)!);
        });
        return command;
    }

    private static Command Get(CliContext context, Option<string?> db)
    {
        var name = new Argument<string>("name") { Description = "The environment's name" };
        var output = Output();
        var command = new Command("get", "Show one environment") { name, output };
        command.SetAction(async (r, cancel) =>
        {
            await using var store = await EnvStoreLocator.OpenAsync(context, r.GetValue(db), cancel);
            if (store is null)
            {
                return ExitCodes.Failed;
            }

            var environment = await store.GetAsync(r.GetValue(name)!, cancel);
            if (environment is null)
            {
                await context.Err.WriteLineAsync($"error: {ConflictMessages.NotFound(r.GetValue(name)!)}");
                return ExitCodes.NotFound;
            }

            EnvOutput.Write(context.Out, r.GetValue(output)!, [environment], one: true);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(CliContext context, Option<string?> db)
    {
        var output = Output();
        var command = new Command("list", "List environments: NAME PROVIDER SUBNET PORTS AGE") { output };
        command.Aliases.Add("ls");
        command.SetAction(async (r, cancel) =>
        {
            await using var store = await EnvStoreLocator.OpenAsync(context, r.GetValue(db), cancel);
            if (store is null)
            {
                return ExitCodes.Failed;
            }

            var all = await store.ListAsync(cancel);
            var format = r.GetValue(output)!;
            if (all.Count == 0 && format == "table")
            {
                await context.Out.WriteLineAsync("No environments. Add one with `tusk env add dev --provider k3d` or import a CSV file with `tusk env import FILE.csv`.");
                return ExitCodes.Ok;
            }

            EnvOutput.Write(context.Out, format, all, one: false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Remove(CliContext context, Option<string?> db)
    {
        var name = new Argument<string>("name") { Description = "The environment's name" };
        var command = new Command("rm", "Remove an environment; its ports and subnet become free") { name };
        command.Aliases.Add("delete");
        command.SetAction(async (r, cancel) =>
        {
            await using var store = await EnvStoreLocator.OpenAsync(context, r.GetValue(db), cancel);
            if (store is null)
            {
                return ExitCodes.Failed;
            }

            var outcome = await store.RemoveAsync(r.GetValue(name)!, cancel);
            if (!outcome.Ok)
            {
                return await RefusedAsync(context, outcome);
            }

            await context.Out.WriteLineAsync($"environment {outcome.Environment!.Name} removed");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Import(CliContext context, Option<string?> db)
    {
        var file = new Argument<string>("file") { Description = "CSV file: name,provider,subnet,node_port,pf_port,http_port,https_port (- for standard input)" };
        var update = new Option<bool>("--update") { Description = "Overwrite environments that exist (default: skip them)" };
        var includeDevops = new Option<bool>("--include-devops") { Description = $"Import the {ImportOptions.DevopsName} management cluster too (default: skip it)" };
        var command = new Command("import", "Import a CSV file in one transaction: all lines or none; existing environments are skipped unless --update") { file, update, includeDevops };
        command.SetAction(async (r, cancel) =>
        {
            var path = r.GetValue(file)!;
            if (await InputFile.ReadAsync(context, path, cancel) is not { } text)
            {
                return ExitCodes.InvalidInput;
            }

            var parsed = EnvironmentCsv.Parse(text);
            if (parsed.Problems.Count > 0)
            {
                foreach (var problem in parsed.Problems)
                {
                    await context.Err.WriteLineAsync($"{path}:{problem.Line}: {problem.Message}");
                }

                var failed = parsed.Problems.Select(p => p.Line).Distinct().Count();
                await context.Out.WriteLineAsync($"total {parsed.DataLines}, added 0, updated 0, skipped 0, failed {failed} — nothing was imported (a file is one transaction); fix the failed lines and run the import again");
                return ExitCodes.InvalidInput;
            }

            await using var store = await EnvStoreLocator.OpenAsync(context, r.GetValue(db), cancel);
            if (store is null)
            {
                return ExitCodes.Failed;
            }

            var report = await store.ImportAsync(parsed.Rows, new ImportOptions(r.GetValue(update), r.GetValue(includeDevops)), cancel);
            foreach (var line in report.Lines.Where(l => l.Result != ImportResult.Added))
            {
                var writer = line.Result == ImportResult.Failed ? context.Err : context.Out;
                await writer.WriteLineAsync($"{path}:{line.Line}: {line.Name}: {line.Result.ToString().ToLowerInvariant()}{(line.Reason is null ? "" : $": {line.Reason}")}");
            }

            await context.Out.WriteLineAsync(report.Summary());
            return report.Committed ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static Command Export(CliContext context, Option<string?> db)
    {
        var file = new Option<string?>("--file", "-f") { Description = "Where to write the CSV (default: standard output)" };
        var command = new Command("export", "Write the inventory as CSV, in the shape `tusk env import` reads") { file };
        command.SetAction(async (r, cancel) =>
        {
            await using var store = await EnvStoreLocator.OpenAsync(context, r.GetValue(db), cancel);
            if (store is null)
            {
                return ExitCodes.Failed;
            }

            var csv = EnvironmentCsv.Write(await store.ListAsync(cancel));
            if (r.GetValue(file) is { } path)
            {
                await File.WriteAllTextAsync(path, csv, cancel);
                await context.Err.WriteLineAsync($"wrote {path}");
            }
            else
            {
                await context.Out.WriteAsync(csv);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The request the flags describe, or null with every problem (all flags are checked before anything is sent). An add leaves missing values auto; a set, unchanged.</summary>
    private static EnvironmentRequest? Request(ParseResult r, ValueOptions values, string name, string? provider, ValueRequest missing, out List<string> problems)
    {
        problems = [];
        string? problem = null;
        var subnet = r.GetValue(values.Subnet) is { } subnetText ? ValueRequest.ParseSubnet(subnetText, out problem) : missing;
        if (subnet is null)
        {
            problems.Add(problem!);
        }

        var ports = new Dictionary<string, ValueRequest>();
        foreach (var (column, option) in values.Ports)
        {
            var port = r.GetValue(option) is { } text ? ValueRequest.ParsePort(text, column, out problem) : missing;
            if (port is null)
            {
                problems.Add(problem!);
            }
            else
            {
                ports[column] = port.Value;
            }
        }

        var labels = new Dictionary<string, string>();
        foreach (var label in r.GetValue(values.Labels) ?? [])
        {
            var equals = label.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                problems.Add($"label \"{label}\" is not key=value");
            }
            else
            {
                labels[label[..equals]] = label[(equals + 1)..];
            }
        }

        if (problems.Count > 0 || subnet is null)
        {
            return null;
        }

        var request = new EnvironmentRequest(name, provider, subnet.Value, ports, labels);
        problems.AddRange(EnvironmentRules.Check(request, adding: missing.Kind == RequestKind.Auto));
        return problems.Count == 0 ? request : null;
    }

    private static async Task<int> InvalidAsync(CliContext context, List<string> problems)
    {
        foreach (var problem in problems)
        {
            await context.Err.WriteLineAsync($"error: {problem}");
        }

        return ExitCodes.InvalidInput;
    }

    private static async Task<int> ReportAsync(CliContext context, EnvironmentOutcome outcome, string format)
    {
        if (!outcome.Ok)
        {
            return await RefusedAsync(context, outcome);
        }

        EnvOutput.Write(context.Out, format, [outcome.Environment!], one: true);
        return ExitCodes.Ok;
    }

    private static async Task<int> RefusedAsync(CliContext context, EnvironmentOutcome outcome)
    {
        foreach (var problem in outcome.Problems)
        {
            await context.Err.WriteLineAsync($"error: {problem}");
        }

        return outcome.Kind switch
        {
            OutcomeKind.Invalid => ExitCodes.InvalidInput,
            OutcomeKind.NotFound => ExitCodes.NotFound,
            _ => ExitCodes.Failed,
        };
    }
}
