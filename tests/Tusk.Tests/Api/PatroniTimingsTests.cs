using System.Runtime.Versioning;
using Tusk.Api;

namespace Tusk.Tests.Api;

[SupportedOSPlatform("linux")]
public class PatroniTimingsTests
{
    [Fact]
    public void The_defaults_30_and_10_give_Patronis_default_retry_timeout_of_10()
    {
        var timings = PatroniTimings.From(30, 10);

        Assert.Equal(new PatroniTimings(30, 10, 10), timings);
        Assert.True(timings.CanElectLeader);
    }

    [Fact]
    public void The_smallest_stable_timings_5_and_1_retry_for_2_seconds()
    {
        var timings = PatroniTimings.From(5, 1);

        Assert.Equal(2, timings.RetryTimeout);
        Assert.True(timings.CanElectLeader);
    }

    [Fact]
    public void A_4_second_lease_cannot_elect_a_leader()
    {
        Assert.False(PatroniTimings.From(4, 1).CanElectLeader);
    }

    [Fact]
    public void Retry_timeout_is_capped_at_10_seconds()
    {
        Assert.Equal(10, PatroniTimings.From(120, 10).RetryTimeout);
    }

    [Theory]
    [InlineData(5, 3, true)]
    [InlineData(5, 4, false)]
    [InlineData(30, 28, true)]
    [InlineData(30, 29, false)]
    [InlineData(30, 40, false)]
    [InlineData(30, 0, false)]
    public void A_leader_can_be_elected_only_when_a_loop_and_two_retries_fit_in_the_lease(int ttl, int loopWait, bool canElect)
    {
        Assert.Equal(canElect, PatroniTimings.From(ttl, loopWait).CanElectLeader);
    }
}
