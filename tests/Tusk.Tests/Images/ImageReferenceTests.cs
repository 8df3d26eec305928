using Tusk.Images;

namespace Tusk.Tests.Images;

public class ImageReferenceTests
{
    [Theory]
    [InlineData("busybox", "docker.io/library/busybox:latest")]
    [InlineData("busybox:1.36", "docker.io/library/busybox:1.36")]
    [InlineData("rancher/mirrored-library-busybox:1.36.1", "docker.io/rancher/mirrored-library-busybox:1.36.1")]
    [InlineData("docker.io/busybox", "docker.io/library/busybox:latest")]
    [InlineData("index.docker.io/library/redis:7", "docker.io/library/redis:7")]
    [InlineData("quay.io/argoproj/argocd:v2.13.1", "quay.io/argoproj/argocd:v2.13.1")]
    [InlineData("localhost/node-agent:dev", "localhost/node-agent:dev")]
    [InlineData("registry.example.com:5000/team/migrate", "registry.example.com:5000/team/migrate:latest")]
    [InlineData("127.0.0.1:5000/a/b/c:1.0", "127.0.0.1:5000/a/b/c:1.0")]
    [InlineData("registry.developers.crunchydata.com/crunchydata/crunchy-postgres:ubi8-15.1-0", "registry.developers.crunchydata.com/crunchydata/crunchy-postgres:ubi8-15.1-0")]
    public void References_are_normalised_the_way_the_runtime_resolves_them(string written, string normalised)
    {
        Assert.Equal(normalised, ImageReference.Parse(written).ToString());
    }

    [Fact]
    public void A_digest_pins_the_content_and_no_tag_is_invented()
    {
        var digest = "sha256:" + new string('a', 64);
        var reference = ImageReference.Parse("ghcr.io/dexidp/dex@" + digest);

        Assert.Null(reference.Tag);
        Assert.Equal(digest, reference.Digest);
        Assert.Equal(digest, reference.ManifestReference);
        Assert.Equal("ghcr.io/dexidp/dex@" + digest, reference.ToString());
    }

    [Fact]
    public void A_tag_and_a_digest_are_both_kept_and_the_digest_is_what_is_pulled()
    {
        var digest = "sha256:" + new string('b', 64);
        var reference = ImageReference.Parse("postgres:16@" + digest);

        Assert.Equal("16", reference.Tag);
        Assert.Equal(digest, reference.ManifestReference);
        Assert.Equal("docker.io/library/postgres:16@" + digest, reference.ToString());
    }

    [Fact]
    public void A_registry_port_is_not_mistaken_for_a_tag()
    {
        var reference = ImageReference.Parse("localhost:5000/app");

        Assert.Equal("localhost:5000", reference.Registry);
        Assert.Equal("app", reference.Repository);
        Assert.Equal("latest", reference.Tag);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("Busybox Box", "not a valid repository")]
    [InlineData("busybox:-bad", "not a valid tag")]
    [InlineData("busybox@sha256:xyz", "not a digest")]
    [InlineData("library//busybox", "not a valid repository")]
    public void Bad_references_say_what_is_wrong(string written, string expected)
    {
        Assert.False(ImageReference.TryParse(written, out _, out var error));
        Assert.Contains(expected, error);
        Assert.Throws<FormatException>(() => ImageReference.Parse(written));
    }
}
