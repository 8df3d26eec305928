using System.Runtime.Versioning;
using Tusk.Cli.Output;

namespace Tusk.Tests.Cli;

[SupportedOSPlatform("linux")]
public class AgeTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 10, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(42, "42s")]
    [InlineData(119, "119s")]
    [InlineData(120, "2m")]
    [InlineData(5 * 60 + 59, "5m")]
    [InlineData(119 * 60, "119m")]
    [InlineData(2 * 3600, "2h")]
    [InlineData(47 * 3600, "47h")]
    [InlineData(48 * 3600, "2d")]
    [InlineData(10 * 86400, "10d")]
    public void Ages_are_written_the_way_kubectl_writes_them(int secondsAgo, string age)
    {
        Assert.Equal(age, Age.Since(Now.AddSeconds(-secondsAgo), Now));
    }

    [Fact]
    public void A_time_in_the_future_is_zero_seconds_old()
    {
        Assert.Equal("0s", Age.Since(Now.AddSeconds(30), Now));
    }

    [Fact]
    public void No_time_is_a_dash()
    {
        Assert.Equal("-", Age.Since(null, Now));
    }
}
