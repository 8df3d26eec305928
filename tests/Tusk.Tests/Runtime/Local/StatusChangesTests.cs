using Tusk.Runtime.Local;
using Tusk.Runtime.Local.Agent;

namespace Tusk.Tests.Runtime.Local;

/// <summary>The wait behind the agent's conditional GET of a cluster, and the entity tag that carries its version.</summary>
public sealed class StatusChangesTests
{
    private static CancellationToken Limit => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;

    [Fact]
    public async Task A_reader_behind_the_current_version_gets_it_without_waiting()
    {
        var changes = new StatusChanges();
        var seen = changes.Version;
        changes.Changed();

        // An infinite wait would end in the 10-second limit's cancellation, failing the test.
        Assert.Equal(seen + 1, await changes.WaitForChangeAsync(seen, Timeout.InfiniteTimeSpan, TimeProvider.System, Limit));
    }

    [Fact]
    public async Task A_waiting_reader_wakes_at_the_next_change()
    {
        var changes = new StatusChanges();
        var seen = changes.Version;
        var wait = changes.WaitForChangeAsync(seen, Timeout.InfiniteTimeSpan, TimeProvider.System, Limit);
        await Task.Delay(100);
        Assert.False(wait.IsCompleted);

        changes.Changed();

        Assert.Equal(seen + 1, await wait);
    }

    [Fact]
    public async Task When_nothing_changes_the_reader_gets_its_own_version_back_once_the_wait_is_over()
    {
        var changes = new StatusChanges();
        var seen = changes.Version;

        Assert.Equal(seen, await changes.WaitForChangeAsync(seen, TimeSpan.FromMilliseconds(50), TimeProvider.System, Limit));
    }

    [Fact]
    public void Each_counter_starts_at_a_random_version_so_a_tag_from_an_earlier_agent_does_not_match() =>
        Assert.NotEqual(new StatusChanges().Version, new StatusChanges().Version); // fails once in 2^40 runs

    [Theory]
    [InlineData(0L)]
    [InlineData(12L)]
    [InlineData(long.MaxValue)]
    public void A_version_survives_its_entity_tag(long version) =>
        Assert.Equal(version, StatusVersionTag.Parse(StatusVersionTag.Format(version)));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("\"\"")]
    [InlineData("*")]
    [InlineData("12")]
    [InlineData("W/\"12\"")]
    [InlineData("\"-1\"")]
    [InlineData("\"1x\"")]
    public void A_tag_the_agent_did_not_write_names_no_version(string? tag) =>
        Assert.Null(StatusVersionTag.Parse(tag));
}
