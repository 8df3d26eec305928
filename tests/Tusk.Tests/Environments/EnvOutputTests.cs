using System.Runtime.Versioning;
using Tusk.Cli.Commands;
using Tusk.Environments;

namespace Tusk.Tests.Environments;

[SupportedOSPlatform("linux")]
public class EnvOutputTests
{
    private static readonly DateTimeOffset Created = DateTimeOffset.UtcNow.AddMinutes(-5);

    [Fact]
    public void The_table_shows_name_provider_subnet_ports_and_age()
    {
        var output = new StringWriter();

        EnvOutput.Write(output, "table", [new KubeEnvironment("dev", "k3d", "10.0.0.0/24", 30080, null, 8080, 8443, new Dictionary<string, string>(), Created, Created)], one: false);

        var lines = output.ToString().ReplaceLineEndings("\n").Split('\n');
        Assert.Equal(["NAME", "PROVIDER", "SUBNET", "PORTS", "AGE"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("dev   k3d       10.0.0.0/24  node:30080 http:8080 https:8443  5m", lines[1]);
    }

    [Fact]
    public void An_environment_without_ports_or_subnet_shows_dashes() =>
        Assert.Equal("-", EnvOutput.Ports(new KubeEnvironment("dev", "kind", null, null, null, null, null, new Dictionary<string, string>(), Created, Created)));
}
