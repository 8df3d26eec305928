using Tusk.Runtime.Local;
using Tusk.Tests.Security;

namespace Tusk.Tests.Runtime.Local;

/// <summary>
/// The restore's handover watch on its own, with the member's state, Patroni's wake-up and
/// the leader key as functions the test drives (the only mock: those calls are recorded; the
/// end-to-end restore tests run it against the real processes). Its clock is set by hand, so
/// "again every 250 ms" is counted in the test's time, not in how fast the machine runs the loop.
/// </summary>
public sealed class RestoreHandoverWatchTests
{
    private sealed class Member
    {
        private int _patroniWoken;
        private int _leadReads;

        public volatile bool Promoted;
        public volatile bool Running = true;
        public volatile bool Leads;

        public int PatroniWoken => Volatile.Read(ref _patroniWoken);
        public int LeadReads => Volatile.Read(ref _leadReads);

        public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));

        public RestoreHandoverWatch Watch() => new(
            () => Promoted,
            () => Running,
            _ => { Interlocked.Increment(ref _patroniWoken); return Task.CompletedTask; },
            _ => { Interlocked.Increment(ref _leadReads); return Task.FromResult(Leads); },
            Clock);

        public async Task PatroniWokenAsync(int times)
        {
            for (var waited = System.Diagnostics.Stopwatch.StartNew(); PatroniWoken < times; await Task.Delay(5))
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), $"the watch woke Patroni {PatroniWoken} times, not {times}");
            }
        }

        public async Task LeadReadAsync(int times)
        {
            var until = LeadReads + times;
            for (var waited = System.Diagnostics.Stopwatch.StartNew(); LeadReads < until; await Task.Delay(5))
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), $"the watch asked whether the member leads {LeadReads} times, not {until}");
            }
        }
    }

    [Fact]
    public async Task Patroni_is_woken_once_PostgreSQL_is_promoted_and_the_watch_ends_once_the_member_leads()
    {
        var member = new Member();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var watch = member.Watch().RunAsync(limit.Token);

        await Task.Delay(200);
        Assert.Equal((0, 0), (member.PatroniWoken, member.LeadReads)); // still recovering: nothing to do

        member.Promoted = true;
        await member.LeadReadAsync(3);
        Assert.Equal(1, member.PatroniWoken);
        Assert.False(watch.IsCompleted);

        // Patroni's loop has not taken the key yet: woken again once 250 ms have passed, not before.
        member.Clock.Advance(TimeSpan.FromMilliseconds(249));
        await member.LeadReadAsync(2);
        Assert.Equal(1, member.PatroniWoken);
        member.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await member.LeadReadAsync(2);
        Assert.Equal(2, member.PatroniWoken);

        member.Leads = true;
        Assert.True(await watch);

        // Done: nothing more reaches Patroni, whose pause the agent ends next.
        member.Clock.Advance(TimeSpan.FromSeconds(1));
        await Task.Delay(100);
        Assert.Equal(2, member.PatroniWoken);
    }

    [Fact]
    public async Task Patroni_is_not_woken_while_PostgreSQL_recovers_however_long_that_takes()
    {
        var member = new Member();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var watch = member.Watch().RunAsync(limit.Token);

        // A loop woken now would find PostgreSQL starting up and sleep in Patroni's Retry.
        for (var i = 0; i < 20; i++)
        {
            member.Clock.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(10);
        }

        Assert.Equal((0, 0), (member.PatroniWoken, member.LeadReads));

        member.Promoted = true;
        await member.LeadReadAsync(1);
        Assert.Equal(1, member.PatroniWoken);

        member.Leads = true;
        Assert.True(await watch);
    }

    [Fact]
    public async Task A_PostgreSQL_that_stops_while_it_recovers_ends_the_watch_without_waking_Patroni()
    {
        var member = new Member();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var watch = member.Watch().RunAsync(limit.Token);
        await Task.Delay(100);

        member.Running = false;

        Assert.False(await watch);
        Assert.Equal(0, member.PatroniWoken);
    }

    [Fact]
    public async Task The_agent_stopping_ends_the_watch()
    {
        var member = new Member { Promoted = true };
        using var stop = new CancellationTokenSource();
        var watch = member.Watch().RunAsync(stop.Token);
        await member.LeadReadAsync(1); // after the first wake-up of Patroni

        await stop.CancelAsync();

        Assert.False(await watch);
    }
}
