using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Tusk.Tests.Kubernetes.Images;

/// <summary>
/// Runs one command in an image's umoci bundle with runc, the way Tusk's pods run it: as the
/// image's own user (umoci writes the image's numeric User into the spec), read-only root
/// filesystem, no capabilities, no privilege escalation, plus tmpfs mounts where a pod would
/// have volumes. runc keeps its state in a private directory, apart from any containerd's.
/// </summary>
public static class RuncContainer
{
    public sealed record Result(int ExitCode, string Output, string Errors);

    private static async Task DeleteAsync(string state, string id)
    {
        try
        {
            await ToolRunner.RunAsync("runc", "--root", state, "delete", "--force", id);
        }
        catch (InvalidOperationException)
        {
            // Already gone: the usual case.
        }
    }

    public static async Task<Result> RunAsync(string bundle, string[] args, RuncOptions? options = null)
    {
        options ??= new RuncOptions();
        var configPath = Path.Combine(bundle, "config.json");
        var imageConfig = Path.Combine(bundle, "config.image.json");
        if (!File.Exists(imageConfig))
        {
            File.Copy(configPath, imageConfig);
        }

        var spec = JsonNode.Parse(await File.ReadAllTextAsync(imageConfig))!.AsObject();
        var process = spec["process"]!.AsObject();
        process["args"] = new JsonArray([.. args.Select(a => (JsonNode)a)]);
        process["terminal"] = false;
        process["noNewPrivileges"] = true;
        process["capabilities"] = new JsonObject
        {
            ["bounding"] = new JsonArray(), ["effective"] = new JsonArray(), ["inheritable"] = new JsonArray(),
            ["permitted"] = new JsonArray(), ["ambient"] = new JsonArray(),
        };
        spec["root"]!["readonly"] = true;
        var mounts = spec["mounts"]!.AsArray();
        foreach (var path in options.Tmpfs)
        {
            mounts.Add(new JsonObject
            {
                ["destination"] = path, ["type"] = "tmpfs", ["source"] = "tmpfs",
                ["options"] = new JsonArray("nosuid", "nodev", "mode=1777", "size=256m"),
            });
        }

        foreach (var (source, destination) in options.ReadOnlyBinds)
        {
            mounts.Add(new JsonObject
            {
                ["destination"] = destination, ["type"] = "bind", ["source"] = source,
                ["options"] = new JsonArray("rbind", "ro", "nosuid", "nodev"),
            });
        }

        var env = process["env"]!.AsArray();
        foreach (var (name, value) in options.Env)
        {
            env.Add($"{name}={value}");
        }

        if (options.HostNetwork)
        {
            var namespaces = spec["linux"]!["namespaces"]!.AsArray();
            foreach (var network in namespaces.Where(n => n!["type"]!.GetValue<string>() == "network").ToList())
            {
                namespaces.Remove(network);
            }
        }

        await File.WriteAllTextAsync(configPath, spec.ToJsonString());

        var state = Directory.CreateTempSubdirectory("tusk-runc-state-");
        var id = $"tusk-image-test-{Guid.NewGuid():N}";
        try
        {
            var info = new ProcessStartInfo("runc") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            foreach (var arg in new[] { "--root", state.FullName, "run", "--bundle", bundle, id })
            {
                info.ArgumentList.Add(arg);
            }

            using var runc = Process.Start(info)!;
            runc.StandardInput.Close();
            var stdout = runc.StandardOutput.ReadToEndAsync();
            var stderr = runc.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            try
            {
                await runc.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // What it printed so far says why: the container is removed, and runc with it.
                await DeleteAsync(state.FullName, id);
                await runc.WaitForExitAsync();
                return new Result(-1, await stdout, $"runc: timed out after 3 minutes\n{await stderr}");
            }

            return new Result(runc.ExitCode, await stdout, await stderr);
        }
        finally
        {
            // runc run removes the container when its process exits; a leftover (a timeout) is removed here.
            await DeleteAsync(state.FullName, id);
            state.Delete(recursive: true);
        }
    }
}
