using System.Runtime.Versioning;
using Tusk.Environments;

namespace Tusk.Tests.Environments;

[SupportedOSPlatform("linux")]
public class EnvironmentRulesTests
{
    [Theory]
    [InlineData("dev")]
    [InlineData("dev-k3d")]
    [InlineData("a1")]
    [InlineData("0")]
    public void Dns_labels_are_valid_names(string name) => Assert.Null(EnvironmentRules.NameProblem(name));

    [Theory]
    [InlineData("")]
    [InlineData("Dev")]
    [InlineData("-dev")]
    [InlineData("dev-")]
    [InlineData("dev_k3d")]
    [InlineData("dev.k3d")]
    public void Anything_else_is_refused_with_the_rule(string name) =>
        Assert.Contains("DNS-1123 label", EnvironmentRules.NameProblem(name), StringComparison.Ordinal);

    [Fact]
    public void A_name_longer_than_63_characters_is_refused() =>
        Assert.NotNull(EnvironmentRules.NameProblem(new string('a', 64)));

    [Fact]
    public void An_add_needs_a_provider_and_a_set_does_not()
    {
        var request = new EnvironmentRequest("dev", null, ValueRequest.Unchanged, new Dictionary<string, ValueRequest>());

        Assert.Equal("a provider is required; add --provider k3d|kind", Assert.Single(EnvironmentRules.Check(request, adding: true)));
        Assert.Empty(EnvironmentRules.Check(request, adding: false));
    }

    [Theory]
    [InlineData("8080", RequestKind.Exact, "8080")]
    [InlineData(" auto ", RequestKind.Auto, null)]
    [InlineData("none", RequestKind.Empty, null)]
    [InlineData("", RequestKind.Empty, null)]
    public void Ports_are_numbers_auto_or_none(string text, RequestKind kind, string? exact)
    {
        var request = ValueRequest.ParsePort(text, PortColumns.HttpPort, out var problem);

        Assert.Null(problem);
        Assert.Equal(new ValueRequest(kind, exact), request);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("-1")]
    [InlineData("80a")]
    public void Ports_outside_1_to_65535_are_refused(string text)
    {
        Assert.Null(ValueRequest.ParsePort(text, PortColumns.HttpPort, out var problem));
        Assert.Equal($"http_port \"{text}\" is not a port; use a number from 1 to 65535, auto or none", problem);
    }

    [Fact]
    public void Subnets_are_networks_in_cidr_notation()
    {
        Assert.Equal("10.0.0.128/25", ValueRequest.ParseSubnet("10.0.0.128/25", out _)!.Value.Exact);
        Assert.Null(ValueRequest.ParseSubnet("10.0.0.0", out var noMask));
        Assert.Contains("CIDR notation", noMask, StringComparison.Ordinal);
        Assert.Null(ValueRequest.ParseSubnet("10.0.0.1/24", out var hostBits));
        Assert.Equal("subnet \"10.0.0.1/24\" has host bits set; the network is 10.0.0.0/24", hostBits);
    }
}
