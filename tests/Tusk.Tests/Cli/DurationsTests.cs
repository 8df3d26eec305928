using System.Runtime.Versioning;
using Tusk.Cli;

namespace Tusk.Tests.Cli;

[SupportedOSPlatform("linux")]
public class DurationsTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("1.5m", 90)]
    [InlineData("00:05:00", 300)]
    [InlineData("01:00:00", 3600)]
    public void Durations_are_read_as_people_write_them(string text, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Durations.Parse(text));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("5x")]
    [InlineData("five minutes")]
    public void Anything_else_is_not_a_duration(string text)
    {
        Assert.Null(Durations.Parse(text));
    }
}
