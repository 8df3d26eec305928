using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tusk.Images.Registry;

namespace Tusk.Bench;

/// <summary>
/// Issue 5's figures, against two real docker-registry processes started here (and killed by PID):
/// `tusk images check` of 50 tags of one image, and of 50 different images, in one registry against
/// the baseline of 50 sequential `skopeo inspect` calls over the same references, in the same run; and `tusk images mirror` of a two-platform image run
/// twice, where the second run must copy 0 bytes (skopeo copy --all shown beside it).
/// </summary>
public static class ImagesBenchmark
{
    private const int Images = 50;
    private const int LayerBytes = 4 * 1024 * 1024;

    public static async Task<int> RunAsync(string tusk, int runs, string? write)
    {
        if (!File.Exists(tusk))
        {
            Console.Error.WriteLine($"error: {tusk} does not exist; build it with `dotnet publish src/Tusk.Cli -c Release -o artifacts/tusk`");
            return 2;
        }

        var root = Directory.CreateTempSubdirectory("tusk-bench-images-").FullName;
        var registries = new List<Process>();
        try
        {
            var source = await StartRegistryAsync(root, "source", registries);
            var target = await StartRegistryAsync(root, "target", registries);
            Console.Error.WriteLine($"== images: registries {source} and {target}; building a two-platform image with umoci");
            await BuildAsync(root, source);

            // Tags of one image (Tusk reads the shared config once; skopeo once per call), and as many
            // different images (each its own config, so both read 50 configs).
            var sameImage = Enumerable.Range(0, Images).Select(i => $"{source}/bench/app:t{i:00}").ToList();
            var distinct = Enumerable.Range(0, Images).Select(i => $"{source}/bench/app:d{i:00}").ToList();
            var check = await CheckAsync(tusk, source, "tags of one image", sameImage, runs);
            var checkDistinct = await CheckAsync(tusk, source, "different images", distinct, runs);
            // The same check through the library, without the process: what the CLI's start-up costs.
            var references = sameImage.Select(i => (Tusk.Images.ImageReference.Parse(i), (IReadOnlyList<Tusk.Images.Discovery.ImageUse>)[])).ToList();
            var library = await Measure.RepeatAsync($"ImageChecker in-process ({Images} tags of one image)", runs, _ => Measure.SecondsAsync(async () =>
            {
                using var client = new RegistryClient(new RegistryOptions { Insecure = new HashSet<string> { source } });
                var results = await new Tusk.Images.Checking.ImageChecker(client, Tusk.Images.Platform.LinuxAmd64).CheckAsync(references, CancellationToken.None);
                if (results.Any(r => !r.Passed))
                {
                    throw new InvalidOperationException(results.First(r => !r.Passed).Message);
                }
            }));
            var skopeo = await SkopeoAsync("tags of one image", sameImage, runs);
            var skopeoDistinct = await SkopeoAsync("different images", distinct, runs);

            Console.Error.WriteLine("== images: mirror a two-platform image twice");
            var mirrors = new List<(double Seconds, long Bytes, int Copied, int Present)>();
            for (var i = 0; i < 2; i++)
            {
                var clock = Stopwatch.StartNew();
                var (_, output) = await Shell.RunAsync(tusk, ["images", "mirror", $"{source}/bench/app:multi", "--to", target, "--insecure", "--insecure-registry", source, "-o", "json"]);
                clock.Stop();
                var result = JsonNode.Parse(output)!["mirrored"]![0]!;
                mirrors.Add((clock.Elapsed.TotalSeconds, result["bytesCopied"]!.GetValue<long>(), result["blobsCopied"]!.GetValue<int>(), result["blobsPresent"]!.GetValue<int>()));
                Console.Error.WriteLine($"  mirror run {i + 1}: {mirrors[^1].Bytes} bytes in {mirrors[^1].Seconds:0.000} s");
            }

            var skopeoCopies = new List<double>();
            for (var i = 0; i < 2; i++)
            {
                skopeoCopies.Add(await Measure.SecondsAsync(() => Shell.RunAsync("skopeo", ["copy", "--all", "--src-tls-verify=false", "--dest-tls-verify=false", $"docker://{source}/bench/app:multi", $"docker://{target}/bench/skopeo:multi"])));
            }

            string F(double seconds) => seconds.ToString("0.000", CultureInfo.InvariantCulture);
            var ratio = skopeo.Median / check.Median;
            var skopeoVersion = (await Shell.RunAsync("skopeo", ["--version"])).Out.Trim();
            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores against docker-registry 2.8 on 127.0.0.1 (plain HTTP), {skopeoVersion}; median (min, max, n). Wall time of whole processes, start-up included.");
            report.AppendLine();
            report.AppendLine("| figure | target | Tusk | baseline (same run) | speed-up |");
            report.AppendLine("|---|---|---|---|---|");
            report.AppendLine(CultureInfo.InvariantCulture, $"| `tusk images check` of {Images} tags of one image in one registry (8 at once; the shared config read once) | ≥ 10× faster | {check.Format("s", "0.000")} | {Images} sequential `skopeo inspect` calls (manifest + config each): {skopeo.Format("s", "0.000")} | {ratio:0.0}× |");
            report.AppendLine(CultureInfo.InvariantCulture, $"| `tusk images check` of {Images} different images in one registry (manifest + config each, 8 at once) | ≥ 10× faster | {checkDistinct.Format("s", "0.000")} | {Images} sequential `skopeo inspect` calls: {skopeoDistinct.Format("s", "0.000")} | {skopeoDistinct.Median / checkDistinct.Median:0.0}× |");
            report.AppendLine(CultureInfo.InvariantCulture, $"| the same check in-process (`ImageChecker`, no process start-up) | — | {library.Format("s", "0.000")} | the same {Images} `skopeo inspect` calls | {skopeo.Median / library.Median:0.0}× |");
            report.AppendLine(CultureInfo.InvariantCulture, $"| `tusk images mirror` of a two-platform image ({LayerBytes / 1024 / 1024} MiB layer per platform), first run | — | {mirrors[0].Bytes} bytes, {mirrors[0].Copied} blobs copied in {F(mirrors[0].Seconds)} s | `skopeo copy --all`: {F(skopeoCopies[0])} s | — |");
            report.AppendLine(CultureInfo.InvariantCulture, $"| the same mirror, second run | 0 bytes copied | {mirrors[1].Bytes} bytes, {mirrors[1].Copied} blobs copied ({mirrors[1].Present} already present) in {F(mirrors[1].Seconds)} s | `skopeo copy --all` again: {F(skopeoCopies[1])} s | — |");
            Console.WriteLine(report);
            if (write is not null)
            {
                await ReportFile.WriteAsync(write, "bench-images", report.ToString());
            }

            return mirrors[1].Bytes == 0 ? 0 : 1;
        }
        finally
        {
            foreach (var registry in registries.Where(r => !r.HasExited))
            {
                registry.Kill(); // our own PIDs only
                registry.WaitForExit(10_000);
            }

            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>One `tusk images check` process over the images per run; every image must pass.</summary>
    private static Task<Sample> CheckAsync(string tusk, string registry, string what, List<string> images, int runs) =>
        Measure.RepeatAsync($"tusk images check ({images.Count} {what})", runs, async _ =>
        {
            var clock = Stopwatch.StartNew();
            var (exit, output) = await Shell.RunAsync(tusk, ["images", "check", .. images, "--insecure-registry", registry, "-o", "json"], check: false);
            clock.Stop();
            using var json = JsonDocument.Parse(output);
            if (exit != 0 || json.RootElement.GetArrayLength() != images.Count)
            {
                throw new InvalidOperationException($"tusk images check exited {exit}: {output}");
            }

            return clock.Elapsed.TotalSeconds;
        });

    private static Task<Sample> SkopeoAsync(string what, List<string> images, int runs) =>
        Measure.RepeatAsync($"{images.Count} × skopeo inspect ({what})", runs, _ => Measure.SecondsAsync(async () =>
        {
            foreach (var image in images)
            {
                await Shell.RunAsync("skopeo", ["inspect", "--tls-verify=false", $"docker://{image}"]);
            }
        }));

    private static async Task<string> StartRegistryAsync(string root, string name, List<Process> started)
    {
        var port = Tusk.Runtime.Local.PortAllocator.FreePort(new HashSet<int>());
        var config = Path.Combine(root, name + ".yml");
        await File.WriteAllTextAsync(config, $"version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {Path.Combine(root, name)}\nhttp:\n  addr: 127.0.0.1:{port}\n");
        // The access log goes to standard output whatever the level: read and dropped, so it cannot block the registry.
        var info = new ProcessStartInfo("/usr/bin/docker-registry") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add(config);
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        started.Add(process);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/v2/"));
                if (response.IsSuccessStatusCode)
                {
                    return $"127.0.0.1:{port}";
                }
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException($"docker-registry {name} did not start on port {port}");
    }

    /// <summary>amd64 and arm64 images (a random 4 MiB layer each) pushed with skopeo; an index over them; 50 tags of the amd64 one.</summary>
    private static async Task BuildAsync(string root, string registry)
    {
        var layout = Path.Combine(root, "layout");
        await Shell.RunAsync("umoci", ["init", "--layout", layout]);
        foreach (var architecture in new[] { "amd64", "arm64" })
        {
            var data = Path.Combine(root, architecture + ".bin");
            await File.WriteAllBytesAsync(data, RandomNumberGenerator.GetBytes(LayerBytes));
            await Shell.RunAsync("umoci", ["new", "--image", $"{layout}:{architecture}"]);
            await Shell.RunAsync("umoci", ["insert", "--rootless", "--image", $"{layout}:{architecture}", data, "/data.bin"]);
            await Shell.RunAsync("umoci", ["config", "--image", $"{layout}:{architecture}", "--architecture", architecture, "--os", "linux", "--config.user", "999:999"]);
            await Shell.RunAsync("skopeo", ["copy", "--dest-tls-verify=false", $"oci:{layout}:{architecture}", $"docker://{registry}/bench/app:{architecture}"]);
        }

        using var client = new RegistryClient(new RegistryOptions { Insecure = new HashSet<string> { registry } });
        var children = new JsonArray();
        byte[]? amd64 = null;
        foreach (var architecture in new[] { "amd64", "arm64" })
        {
            var manifest = await client.GetManifestAsync(registry, "bench/app", architecture, CancellationToken.None);
            amd64 ??= manifest.Body;
            children.Add(new JsonObject
            {
                ["mediaType"] = MediaTypes.OciManifest,
                ["digest"] = manifest.Digest,
                ["size"] = manifest.Body.Length,
                ["platform"] = new JsonObject { ["architecture"] = architecture, ["os"] = "linux" },
            });
        }

        var index = Encoding.UTF8.GetBytes(new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = MediaTypes.OciIndex, ["manifests"] = children }.ToJsonString());
        await client.PutManifestAsync(registry, "bench/app", "multi", MediaTypes.OciIndex, index, CancellationToken.None);
        for (var i = 0; i < Images; i++)
        {
            await client.PutManifestAsync(registry, "bench/app", $"t{i:00}", MediaTypes.OciManifest, amd64!, CancellationToken.None);
        }

        // 50 different images: the same layer under configs that differ by a label.
        var manifestJson = JsonNode.Parse(amd64!)!;
        var configJson = JsonNode.Parse((await client.GetBlobAsync(registry, "bench/app", manifestJson["config"]!["digest"]!.GetValue<string>(), CancellationToken.None)).Body)!;
        for (var i = 0; i < Images; i++)
        {
            configJson["config"]!["Labels"] = new JsonObject { ["bench"] = i.ToString(CultureInfo.InvariantCulture) };
            var config = Encoding.UTF8.GetBytes(configJson.ToJsonString());
            var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(config));
            using (var stream = new MemoryStream(config))
            {
                await client.PutBlobAsync(registry, "bench/app", digest, stream, config.Length, CancellationToken.None);
            }

            manifestJson["config"]!["digest"] = digest;
            manifestJson["config"]!["size"] = config.Length;
            await client.PutManifestAsync(registry, "bench/app", $"d{i:00}", MediaTypes.OciManifest, Encoding.UTF8.GetBytes(manifestJson.ToJsonString()), CancellationToken.None);
        }
    }
}
