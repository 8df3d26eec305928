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

    public static async Task<Result> RunAsync(string bundle, string[] args, params string[] tmpfs)
    {
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
        foreach (var path in tmpfs)
        {
            mounts.Add(new JsonObject
            {
                ["destination"] = path, ["type"] = "tmpfs", ["source"] = "tmpfs",
                ["options"] = new JsonArray("nosuid", "nodev", "mode=1777", "size=256m"),
            });
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
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await runc.WaitForExitAsync(timeout.Token);
            return new Result(runc.ExitCode, await stdout, await stderr);
        }
        finally
        {
            // runc run removes the container when its process exits; a leftover (a timeout) is removed here.
            try
            {
                await ToolRunner.RunAsync("runc", "--root", state.FullName, "delete", "--force", id);
            }
            catch (InvalidOperationException)
            {
                // Already gone: the usual case.
            }

            state.Delete(recursive: true);
        }
    }
}
