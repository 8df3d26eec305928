using System.Net;
using System.Net.Sockets;
using Tusk.Images;
using Tusk.Images.Checking;
using Tusk.Images.Discovery;
using Tusk.Images.Registry;

namespace Tusk.Tests.Images;

/// <summary>`images check` against a real registry (docker-registry 2.8) holding images built by umoci.</summary>
[Collection(SharedRegistry.Name)]
public class ImageCheckerTests(RegistryServer registry)
{
    private RegistryOptions Options => new() { Insecure = new HashSet<string> { registry.Host }, Timeout = TimeSpan.FromSeconds(10) };

    private static ImageUse Use(string image, bool runAsNonRoot = false, long? runAsUser = null) => new()
    {
        Image = image, Written = image, File = "pod.yaml", Line = 7, Owner = "Deployment/default/app", Container = "container app",
        PullPolicy = "IfNotPresent", RunAsNonRoot = runAsNonRoot, RunAsUser = runAsUser,
    };

    private async Task<ImageCheckResult> CheckAsync(string image, bool runAsNonRoot = false, long? runAsUser = null, Platform? platform = null, RegistryOptions? options = null)
    {
        using var client = new RegistryClient(options ?? Options);
        var reference = ImageReference.Parse(image);
        var results = await new ImageChecker(client, platform ?? Platform.LinuxAmd64).CheckAsync([(reference, [Use(reference.ToString(), runAsNonRoot, runAsUser)])], CancellationToken.None);
        return Assert.Single(results);
    }

    [Fact]
    public async Task A_numeric_non_root_image_passes_under_runAsNonRoot_with_its_digest()
    {
        var result = await CheckAsync(registry.Image("nonroot"), runAsNonRoot: true);

        Assert.Equal(ImageVerdict.Ok, result.Verdict);
        Assert.Equal("999:999", result.User);
        Assert.Equal(["linux/amd64"], result.Platforms);
        Assert.Matches("^sha256:[0-9a-f]{64}$", result.Digest!);
        var inspected = await ToolRunner.RunAsync("skopeo", "inspect", "--tls-verify=false", "--format", "{{.Digest}}", $"docker://{registry.Image("nonroot")}");
        Assert.Equal(inspected.Trim(), result.Digest);
    }

    [Fact]
    public async Task A_missing_tag_is_told_apart_from_a_missing_repository()
    {
        var tag = await CheckAsync(registry.Image("no-such-tag"));
        var repository = await CheckAsync(registry.Image("nonroot", "tusk/no-such-repo"));

        Assert.Equal(ImageVerdict.MissingTag, tag.Verdict);
        Assert.Contains("exists but has no tag no-such-tag", tag.Message);
        Assert.Equal(ImageVerdict.MissingRepository, repository.Verdict);
        Assert.Contains("the repository tusk/no-such-repo does not exist in " + registry.Host, repository.Message);
    }

    [Fact]
    public async Task A_missing_digest_is_a_missing_tag_of_an_existing_repository()
    {
        var result = await CheckAsync($"{registry.Host}/{RegistryServer.Repository}@sha256:{new string('0', 64)}");

        Assert.Equal(ImageVerdict.MissingTag, result.Verdict);
        Assert.Contains("has no manifest sha256:000", result.Message);
    }

    [Fact]
    public async Task An_image_built_for_another_platform_is_the_wrong_platform()
    {
        var result = await CheckAsync(registry.Image("arm64"));

        Assert.Equal(ImageVerdict.WrongPlatform, result.Verdict);
        Assert.Equal(["linux/arm64"], result.Platforms);
        Assert.Contains("built for linux/arm64 only, not linux/amd64", result.Message);
        Assert.Equal(ImageVerdict.Ok, (await CheckAsync(registry.Image("arm64"), platform: new Platform("linux", "arm64"))).Verdict);
    }

    [Fact]
    public async Task A_multi_arch_index_offers_both_platforms_and_refuses_a_third()
    {
        var amd64 = await CheckAsync(registry.Image("multi"), runAsNonRoot: true);
        var arm64 = await CheckAsync(registry.Image("multi"), runAsNonRoot: true, platform: new Platform("linux", "arm64"));
        var s390x = await CheckAsync(registry.Image("multi"), platform: new Platform("linux", "s390x"));

        Assert.Equal(ImageVerdict.Ok, amd64.Verdict);
        Assert.Equal(["linux/amd64", "linux/arm64"], amd64.Platforms);
        Assert.Equal("999:999", amd64.User);
        Assert.Equal(ImageVerdict.Ok, arm64.Verdict);
        Assert.Equal(amd64.Digest, arm64.Digest); // the index's digest, whichever platform is run
        Assert.Equal(ImageVerdict.WrongPlatform, s390x.Verdict);
        Assert.Contains("offers linux/amd64, linux/arm64 but not linux/s390x", s390x.Message);
    }

    [Fact]
    public async Task An_image_without_a_user_runs_as_root_and_is_refused_only_under_runAsNonRoot()
    {
        var refused = await CheckAsync(registry.Image("root"), runAsNonRoot: true);
        var allowed = await CheckAsync(registry.Image("root"));
        var forced = await CheckAsync(registry.Image("root"), runAsNonRoot: true, runAsUser: 1000);

        Assert.Equal(ImageVerdict.RunsAsRoot, refused.Verdict);
        Assert.Null(refused.User);
        Assert.Contains("container has runAsNonRoot and image will run as root", refused.Message);
        Assert.Contains("Deployment/default/app container app (pod.yaml:7)", refused.Message);
        Assert.Equal(ImageVerdict.Ok, allowed.Verdict);
        Assert.Equal(ImageVerdict.Ok, forced.Verdict);
    }

    [Fact]
    public async Task A_named_user_fails_the_kubelets_runAsNonRoot_check_and_runAsUser_is_suggested()
    {
        var refused = await CheckAsync(registry.Image("named"), runAsNonRoot: true);
        var fixedByRunAsUser = await CheckAsync(registry.Image("named"), runAsNonRoot: true, runAsUser: 999);

        Assert.Equal(ImageVerdict.NonNumericUser, refused.Verdict);
        Assert.Equal("postgres", refused.User);
        Assert.Contains("image has non-numeric user (postgres), cannot verify user is non-root", refused.Message);
        Assert.Contains("set securityContext.runAsUser", refused.Message);
        Assert.Equal(ImageVerdict.Ok, fixedByRunAsUser.Verdict);
    }

    [Fact]
    public async Task Preloaded_libraries_are_reported_as_not_checkable_without_failing_the_image()
    {
        using var client = new RegistryClient(Options);
        var image = ImageReference.Parse(registry.Image("nonroot"));
        var use = Use(image.ToString(), runAsNonRoot: true) with { PreloadLibraries = ["pgaudit"] };
        var result = Assert.Single(await new ImageChecker(client, Platform.LinuxAmd64).CheckAsync([(image, [use])], CancellationToken.None));

        Assert.Equal(ImageVerdict.Ok, result.Verdict);
        Assert.Contains("shared_preload_libraries (pgaudit) could not be checked", Assert.Single(result.Notes));
    }

    [Fact]
    public async Task A_registry_that_is_down_is_unreachable_with_a_clear_message()
    {
        var port = Tusk.Runtime.Local.PortAllocator.FreePort(new HashSet<int>());
        var host = $"127.0.0.1:{port}";
        var result = await CheckAsync($"{host}/tusk/app:1", options: new RegistryOptions { Insecure = new HashSet<string> { host }, Timeout = TimeSpan.FromSeconds(2) });

        Assert.Equal(ImageVerdict.Unreachable, result.Verdict);
        Assert.Contains($"cannot reach registry {host}", result.Message);
        Assert.Contains("Connection refused", result.Message);
    }

    [Fact]
    public async Task A_registry_that_accepts_but_never_answers_times_out_with_a_clear_message()
    {
        // A real socket that accepts and stays silent: a hung registry, which no registry can be made to be on demand.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var host = $"127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}";
        var started = DateTime.UtcNow;
        var result = await CheckAsync($"{host}/tusk/app:1", options: new RegistryOptions { Insecure = new HashSet<string> { host }, Timeout = TimeSpan.FromSeconds(1) });

        Assert.Equal(ImageVerdict.Unreachable, result.Verdict);
        Assert.Contains($"registry {host} did not answer within 1s", result.Message);
        Assert.Contains("raise --timeout", result.Message);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Plain_http_is_used_only_for_registries_marked_insecure()
    {
        var result = await CheckAsync(registry.Image("nonroot"), options: new RegistryOptions { Timeout = TimeSpan.FromSeconds(5) });

        Assert.Equal(ImageVerdict.Unreachable, result.Verdict);
        Assert.Contains($"https://{registry.Host}/v2/", result.Message);
        Assert.Contains($"--insecure-registry {registry.Host}", result.Message);
    }

    [Fact]
    public async Task Many_images_are_checked_at_once_and_keep_their_order()
    {
        using var client = new RegistryClient(Options);
        var tags = new[] { "nonroot", "root", "named", "arm64", "multi", "gone" };
        var images = tags.Select(t => ImageReference.Parse(registry.Image(t))).Select(r => (r, (IReadOnlyList<ImageUse>)[Use(r.ToString(), runAsNonRoot: true)])).ToList();
        var results = await new ImageChecker(client, Platform.LinuxAmd64, parallelism: 4).CheckAsync(images, CancellationToken.None);

        Assert.Equal(
            [ImageVerdict.Ok, ImageVerdict.RunsAsRoot, ImageVerdict.NonNumericUser, ImageVerdict.WrongPlatform, ImageVerdict.Ok, ImageVerdict.MissingTag],
            results.Select(r => r.Verdict));
        Assert.Equal(images.Select(i => i.r.ToString()), results.Select(r => r.Image));
    }

    [Fact]
    public async Task An_image_listed_by_tag_and_by_digest_has_its_config_fetched_once()
    {
        var tag = registry.Image("multi");
        var digest = (await ToolRunner.RunAsync("skopeo", "inspect", "--raw", "--tls-verify=false", $"docker://{tag}")).Trim();
        var byDigest = $"{registry.Host}/{RegistryServer.Repository}@sha256:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(digest)))}";
        using var client = new RegistryClient(Options);
        var images = new[] { tag, byDigest, tag }.Select(i => ImageReference.Parse(i)).Select(r => (r, (IReadOnlyList<ImageUse>)[Use(r.ToString())])).ToList();
        var before = BlobRequests();

        var results = await new ImageChecker(client, Platform.LinuxAmd64, parallelism: 3).CheckAsync(images, CancellationToken.None);

        Assert.All(results, r => Assert.Equal(ImageVerdict.Ok, r.Verdict));
        Assert.Single(results.Select(r => r.Digest).Distinct());
        Assert.Equal(1, await SettledBlobRequestsAsync() - before); // the amd64 config, once
    }

    private int BlobRequests() => registry.ReadLog().Split('\n').Count(l => l.Contains("\"GET /v2/" + RegistryServer.Repository + "/blobs/", StringComparison.Ordinal));

    /// <summary>The registry's access log arrives through a pipe: read it once it stops growing.</summary>
    private async Task<int> SettledBlobRequestsAsync()
    {
        var count = BlobRequests();
        for (var quiet = 0; quiet < 5; quiet++)
        {
            await Task.Delay(100);
            var now = BlobRequests();
            quiet = now == count ? quiet : 0;
            count = now;
        }

        return count;
    }

    private async Task<ImageCheckResult> CheckLibrariesAsync(string tag, params string[] libraries)
    {
        using var client = new RegistryClient(Options);
        var image = ImageReference.Parse(registry.Image(tag));
        var use = Use(image.ToString(), runAsNonRoot: true) with { PreloadLibraries = libraries };
        return Assert.Single(await new ImageChecker(client, Platform.LinuxAmd64, inspectLayers: true).CheckAsync([(image, [use])], CancellationToken.None));
    }

    [Fact]
    public async Task With_layer_inspection_a_preloaded_library_in_the_image_is_found_where_it_is()
    {
        var result = await CheckLibrariesAsync("pgaudit", "pgaudit");

        Assert.Equal(ImageVerdict.Ok, result.Verdict);
        Assert.Equal("shared_preload_libraries present: pgaudit at /usr/lib/postgresql/16/lib/pgaudit.so", Assert.Single(result.Notes));
    }

    [Fact]
    public async Task With_layer_inspection_a_preloaded_library_missing_from_the_image_is_a_missing_library()
    {
        var result = await CheckLibrariesAsync("pgaudit", "pgaudit", "$libdir/pg_cron");
        var without = await CheckLibrariesAsync("nonroot", "pgaudit");

        Assert.Equal(ImageVerdict.MissingLibrary, result.Verdict);
        Assert.StartsWith("shared_preload_libraries names $libdir/pg_cron but the image holds no pg_cron.so in a PostgreSQL library directory: PostgreSQL will not start", result.Message);
        Assert.Equal(ImageVerdict.MissingLibrary, without.Verdict);
        Assert.Contains("no pgaudit.so", without.Message);
    }
}
