using System.Text;
using Tusk.Images;
using Tusk.Images.Checking;
using Tusk.Images.Discovery;
using Tusk.Images.Registry;

namespace Tusk.Tests.Images;

/// <summary>
/// The bearer-token flow against a real docker-registry with token authentication, serving the
/// shared registry's images, and a token service of the tests' own (see <see cref="TokenServer"/>).
/// </summary>
[Collection(SharedRegistry.Name)]
public sealed class RegistryTokenAuthTests(RegistryServer shared) : IDisposable
{
    private readonly RegistryProcess _registry = new();
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        _registry.Dispose();
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }

    private async Task<TokenServer> StartAsync(string? requiredBasic = null)
    {
        var tokens = new TokenServer(_registry.Root, requiredBasic);
        _owned.Add(tokens);
        await _registry.StartAsync(storage: shared.Storage, auth: tokens.RegistryAuth);
        return tokens;
    }

    private async Task<ImageCheckResult> CheckAsync(RegistryCredentials credentials)
    {
        using var client = new RegistryClient(new RegistryOptions { Insecure = new HashSet<string> { _registry.Host }, Credentials = credentials });
        var image = ImageReference.Parse($"{_registry.Host}/{RegistryServer.Repository}:multi");
        return Assert.Single(await new ImageChecker(client, Platform.LinuxAmd64).CheckAsync([(image, (IReadOnlyList<ImageUse>)[])], CancellationToken.None));
    }

    private static string Basic(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    [Fact]
    public async Task An_anonymous_pull_token_is_fetched_from_the_challenges_realm_and_reused()
    {
        var tokens = await StartAsync();
        using (var http = new HttpClient())
        {
            // The registry does enforce tokens: a forged one is refused.
            using var forged = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://{_registry.Host}/v2/{RegistryServer.Repository}/tags/list"));
            forged.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "eyJhbGciOiJub25lIn0.e30.");
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.SendAsync(forged)).StatusCode);
        }

        var result = await CheckAsync(RegistryCredentials.None);

        Assert.Equal(ImageVerdict.Ok, result.Verdict);
        var (query, authorization) = Assert.Single(tokens.Requests); // one token, reused for the manifests and the config blob
        Assert.Null(authorization);
        Assert.Contains($"service={TokenServer.Service}", query);
        Assert.Contains($"scope={Uri.EscapeDataString($"repository:{RegistryServer.Repository}:pull")}", query);
    }

    [Fact]
    public async Task Docker_config_credentials_are_sent_to_the_token_service_and_their_absence_is_unauthorized()
    {
        var tokens = await StartAsync(requiredBasic: Basic("ci", "s3cret"));
        var config = Path.Combine(_registry.Root, "config.json");
        await File.WriteAllTextAsync(config, new System.Text.Json.Nodes.JsonObject { ["auths"] = new System.Text.Json.Nodes.JsonObject { [_registry.Host] = new System.Text.Json.Nodes.JsonObject { ["auth"] = Basic("ci", "s3cret") } } }.ToJsonString());

        var anonymous = await CheckAsync(RegistryCredentials.None);
        var withCredentials = await CheckAsync(RegistryCredentials.Load(config));

        Assert.Equal(ImageVerdict.Unauthorized, anonymous.Verdict);
        Assert.Contains($"log in so ~/.docker/config.json holds credentials for {_registry.Host}", anonymous.Message);
        Assert.Contains("the repository does not exist, or it is private", anonymous.Message);
        Assert.Equal(ImageVerdict.Ok, withCredentials.Verdict);
        Assert.Contains(tokens.Requests, r => r.Authorization == "Basic " + Basic("ci", "s3cret"));
        Assert.DoesNotContain("s3cret", withCredentials.Message + anonymous.Message);
    }
}
