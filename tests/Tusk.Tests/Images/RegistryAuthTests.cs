using System.Text;
using Tusk.Images.Registry;

namespace Tusk.Tests.Images;

public class RegistryAuthTests
{
    [Fact]
    public void A_bearer_challenge_gives_realm_service_and_scope()
    {
        var challenge = AuthChallenge.Parse("""Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull" """)!;

        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Equal("https://auth.docker.io/token", challenge.Realm);
        Assert.Equal("registry.docker.io", challenge.Service);
        Assert.Equal("repository:library/busybox:pull", challenge.Parameters["scope"]);
    }

    [Fact]
    public void A_basic_challenge_and_no_challenge_are_told_apart()
    {
        Assert.Equal("Basic", AuthChallenge.Parse("Basic realm=\"Registry Realm\"")!.Scheme);
        Assert.Null(AuthChallenge.Parse(""));
        Assert.Null(AuthChallenge.Parse(null));
    }

    [Fact]
    public void Docker_config_credentials_are_found_by_registry_host_whatever_the_key_looks_like()
    {
        var hub = Convert.ToBase64String(Encoding.UTF8.GetBytes("me:hub-secret"));
        var credentials = RegistryCredentials.Parse($$"""
            {
              "auths": {
                "https://index.docker.io/v1/": {"auth": "{{hub}}"},
                "registry.example.com:5000": {"username": "ci", "password": "pw"},
                "quay.io": {}
              },
              "credsStore": "desktop"
            }
            """);

        Assert.Equal(hub, credentials.BasicFor("docker.io"));
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes("ci:pw")), credentials.BasicFor("registry.example.com:5000"));
        Assert.Null(credentials.BasicFor("quay.io"));
        Assert.Null(credentials.BasicFor("ghcr.io"));
    }

    [Fact]
    public void A_missing_docker_config_means_no_credentials_and_a_broken_one_is_named()
    {
        var directory = Directory.CreateTempSubdirectory("tusk-docker-config-").FullName;
        Assert.Null(RegistryCredentials.Load(Path.Combine(directory, "config.json")).BasicFor("docker.io"));

        var broken = Path.Combine(directory, "broken.json");
        File.WriteAllText(broken, "{ not json");
        var e = Assert.Throws<RegistryException>(() => RegistryCredentials.Load(broken));
        Assert.StartsWith(broken + ": cannot read registry credentials", e.Message);
    }

    [Fact]
    public void Docker_hub_is_asked_at_registry_1_and_only_insecure_registries_use_http()
    {
        using var client = new RegistryClient(new RegistryOptions { Insecure = new HashSet<string> { "localhost:5000" } });

        Assert.Equal("https://registry-1.docker.io/v2/", client.BaseUri("docker.io").ToString());
        Assert.Equal("http://localhost:5000/v2/", client.BaseUri("localhost:5000").ToString());
        Assert.Equal("https://quay.io/v2/", client.BaseUri("quay.io").ToString());
    }
}
