using System.CommandLine;
using System.Diagnostics;
using Tusk.Images.Bundling;

namespace Tusk.Cli.Commands;

/// <summary>
/// `tusk images import --k3d CLUSTER | --kind CLUSTER`: put images into a local cluster's nodes
/// (docker pull, then k3d image import / kind load docker-image). Where docker or the cluster tool
/// is missing, it prints the exact commands instead, and says that nothing was imported.
/// </summary>
public static class ImagesImportCommand
{
    public static Command Create(CliContext context)
    {
        var selection = new ImageSelection();
        var k3d = new Option<string?>("--k3d") { Description = "The k3d cluster to import into" };
        var kind = new Option<string?>("--kind") { Description = "The kind cluster to load into" };
        var verify = new Option<bool>("--verify") { Description = "Afterwards list what the node holds (crictl images in the first server node)" };
        var print = new Option<bool>("--print") { Description = "Only print the commands; run nothing" };
        var command = new Command("import", "Import images into a k3d or kind cluster's nodes; prints the exact commands when docker, k3d or kind is not installed. Exit 1 when nothing was imported") { k3d, kind, verify, print };
        selection.AddTo(command);
        command.SetAction(async (r, cancel) =>
        {
            var (provider, cluster) = (r.GetValue(k3d), r.GetValue(kind)) switch
            {
                ({ } name, null) => ("k3d", name),
                (null, { } name) => ("kind", name),
                _ => ("", ""),
            };
            if (provider.Length == 0)
            {
                await context.Err.WriteLineAsync("error: give exactly one of --k3d CLUSTER or --kind CLUSTER");
                return ExitCodes.InvalidInput;
            }

            var images = await selection.ResolveAsync(context, r, runAsNonRoot: false);
            if (images is null)
            {
                return ExitCodes.InvalidInput;
            }

            List<string[]> commands = [.. ImportPlan.Commands(provider, cluster, [.. images.Select(i => i.Reference.ToString())])];
            if (r.GetValue(verify))
            {
                commands.Add(ImportPlan.Verify(provider, cluster));
            }

            var missing = ImportPlan.MissingTools(provider, OnPath, DockerEngine());
            if (r.GetValue(print) || missing.Count > 0)
            {
                if (missing.Count > 0)
                {
                    await context.Err.WriteLineAsync($"{string.Join(" and ", missing)} {(missing.Count == 1 ? "is" : "are")} not installed here, so nothing was imported; run these commands where {(missing.Count == 1 ? "it is" : "they are")}:");
                }

                foreach (var line in commands)
                {
                    await context.Out.WriteLineAsync(ImportPlan.ShellLine(line));
                }

                return r.GetValue(print) ? ExitCodes.Ok : ExitCodes.Failed;
            }

            foreach (var line in commands)
            {
                await context.Out.WriteLineAsync("+ " + ImportPlan.ShellLine(line));
                var code = await RunAsync(context, line, cancel);
                if (code != 0)
                {
                    await context.Err.WriteLineAsync($"error: {line[0]} exited with {code}; the commands after it were not run");
                    return ExitCodes.Failed;
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A docker client without an engine cannot pull: the engine is its socket, or DOCKER_HOST.</summary>
    private static bool DockerEngine() =>
        Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } || File.Exists("/var/run/docker.sock");

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Any(d => File.Exists(Path.Combine(d, tool)));

    private static async Task<int> RunAsync(CliContext context, string[] command, CancellationToken cancel)
    {
        var info = new ProcessStartInfo(command[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in command[1..])
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(cancel);
        var error = process.StandardError.ReadToEndAsync(cancel);
        await process.WaitForExitAsync(cancel);
        await context.Out.WriteAsync(await output);
        await context.Err.WriteAsync(await error);
        return process.ExitCode;
    }
}
