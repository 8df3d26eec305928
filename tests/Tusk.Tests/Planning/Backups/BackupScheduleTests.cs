using Tusk.Planning.Backups;

namespace Tusk.Tests.Planning.Backups;

public class BackupScheduleTests
{
    private static DateTimeOffset At(string utc) => DateTimeOffset.Parse(utc + "Z", System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("0 1 * * 0")]
    [InlineData("* * * * *")]
    [InlineData("*/15 2-4 1,15 JAN-MAR MON-FRI")]
    [InlineData("  30 3 * * *  ")]
    [InlineData("0 0 29 2 *")]
    public void Five_field_crons_are_accepted(string cron)
    {
        Assert.Null(BackupSchedule.Problem(cron));
    }

    [Theory]
    [InlineData("0 1 * *", "\"0 1 * *\" is not a cron schedule: it needs five fields (minute hour day-of-month month day-of-week), e.g. \"0 1 * * 0\" for Sundays at 01:00 UTC")]
    [InlineData("0 0 1 * * 0", "\"0 0 1 * * 0\" has six fields, but seconds are not supported: it needs five fields (minute hour day-of-month month day-of-week), e.g. \"0 1 * * 0\" for Sundays at 01:00 UTC")]
    [InlineData("61 * * * *", "\"61 * * * *\" is not a cron schedule: the minute field \"61\" must be 0-59, a list (1,15), a range (1-5), a step (*/15) or *; e.g. \"0 1 * * 0\" for Sundays at 01:00 UTC")]
    [InlineData("0 24 * * *", "\"0 24 * * *\" is not a cron schedule: the hour field \"24\" must be 0-23, a list (1,15), a range (1-5), a step (*/15) or *; e.g. \"0 1 * * 0\" for Sundays at 01:00 UTC")]
    [InlineData("0 1 * * funday", "\"0 1 * * funday\" is not a cron schedule: the day-of-week field \"funday\" must be 0-6 (0 is Sunday) or SUN-SAT, a list (1,15), a range (1-5), a step (*/15) or *; e.g. \"0 1 * * 0\" for Sundays at 01:00 UTC")]
    [InlineData("*/0 * * * *", "\"*/0 * * * *\" is not a cron schedule: the minute field \"*/0\" must be 0-59, a list (1,15), a range (1-5), a step (*/15) or *; e.g. \"0 1 * * 0\" for Sundays at 01:00 UTC")]
    [InlineData("0 1 * 13 *", "\"0 1 * 13 *\" is not a cron schedule: the month field \"13\" must be 1-12 or JAN-DEC, a list (1,15), a range (1-5), a step (*/15) or *; e.g. \"0 1 * * 0\" for Sundays at 01:00 UTC")]
    [InlineData("0 1 * * 7", "\"0 1 * * 7\" is not a cron schedule: the day-of-week field \"7\" must be 0-6 (0 is Sunday) or SUN-SAT, a list (1,15), a range (1-5), a step (*/15) or *; e.g. \"0 1 * * 0\" for Sundays at 01:00 UTC")]
    [InlineData("nonsense", "\"nonsense\" is not a cron schedule: it needs five fields (minute hour day-of-month month day-of-week), e.g. \"0 1 * * 0\" for Sundays at 01:00 UTC")]
    [InlineData("", "the cron schedule is empty: it needs five fields (minute hour day-of-month month day-of-week), e.g. \"0 1 * * 0\" for Sundays at 01:00 UTC")]
    [InlineData("   ", "the cron schedule is empty: it needs five fields (minute hour day-of-month month day-of-week), e.g. \"0 1 * * 0\" for Sundays at 01:00 UTC")]
    [InlineData("0 0 30 2 *", "\"0 0 30 2 *\" never fires: no calendar date matches its day-of-month and month fields; e.g. \"0 1 * * 0\" for Sundays at 01:00 UTC")]
    public void Invalid_crons_are_refused_in_plain_words(string cron, string expected)
    {
        Assert.Equal(expected, BackupSchedule.Problem(cron));
    }

    [Fact]
    public void Invalid_crons_have_no_slots()
    {
        var now = At("2026-03-04T05:06:07");
        Assert.Null(BackupSchedule.LatestSlot("61 * * * *", now));
        Assert.Null(BackupSchedule.LatestSlot("*/0 * * * *", now));
        Assert.Null(BackupSchedule.Next("0 0 1 * * 0", now));
        Assert.Null(BackupSchedule.Due("nonsense", now.AddDays(-1), now));
    }

    [Fact]
    public void Latest_slot_includes_a_slot_exactly_at_now()
    {
        Assert.Equal(At("2026-03-04T05:00:00"), BackupSchedule.LatestSlot("0 * * * *", At("2026-03-04T05:00:00")));
        Assert.Equal(At("2026-03-04T04:00:00"), BackupSchedule.LatestSlot("0 * * * *", At("2026-03-04T04:59:59.999")));
    }

    [Fact]
    public void Latest_slot_reads_the_cron_in_utc_whatever_the_offset_of_now()
    {
        // 03:30 at +02:00 is 01:30 UTC: the daily 01:00 UTC slot is 30 minutes old.
        var now = new DateTimeOffset(2026, 3, 4, 3, 30, 0, TimeSpan.FromHours(2));
        var slot = BackupSchedule.LatestSlot("0 1 * * *", now);
        Assert.Equal(At("2026-03-04T01:00:00"), slot);
        Assert.Equal(TimeSpan.Zero, slot!.Value.Offset);
    }

    [Fact]
    public void Latest_slot_finds_a_weekly_and_a_yearly_slot_but_looks_back_no_more_than_366_days()
    {
        // 2026-03-04 is a Wednesday; the last Sunday 01:00 was 2026-03-01.
        Assert.Equal(At("2026-03-01T01:00:00"), BackupSchedule.LatestSlot("0 1 * * 0", At("2026-03-04T12:00:00")));
        Assert.Equal(At("2026-01-01T00:00:00"), BackupSchedule.LatestSlot("0 0 1 1 *", At("2026-12-31T23:59:00")));
        // The last 29 February before 2027-03-02 is 2024-02-29, more than 366 days back.
        Assert.Null(BackupSchedule.LatestSlot("0 0 29 2 *", At("2027-03-02T00:00:00")));
        Assert.Equal(At("2028-02-29T00:00:00"), BackupSchedule.LatestSlot("0 0 29 2 *", At("2028-03-02T00:00:00")));
    }

    [Fact]
    public void Next_is_strictly_after_now()
    {
        Assert.Equal(At("2026-03-04T06:00:00"), BackupSchedule.Next("0 * * * *", At("2026-03-04T05:00:00")));
        Assert.Equal(At("2026-03-04T06:00:00"), BackupSchedule.Next("0 * * * *", At("2026-03-04T05:59:59")));
        Assert.Equal(At("2026-03-08T01:00:00"), BackupSchedule.Next("0 1 * * 0", At("2026-03-04T12:00:00")));
        Assert.Equal(At("2028-02-29T00:00:00"), BackupSchedule.Next("0 0 29 2 *", At("2026-03-04T12:00:00")));
    }

    [Fact]
    public void A_schedule_never_seen_is_not_due_so_creating_a_cluster_fires_nothing()
    {
        Assert.Null(BackupSchedule.Due("* * * * *", null, At("2026-03-04T05:06:07")));
        Assert.Null(BackupSchedule.Due("0 1 * * 0", null, At("2026-03-01T01:00:00")));
    }

    [Fact]
    public void A_per_minute_schedule_polled_every_250_ms_for_three_minutes_fires_once_per_slot()
    {
        const string cron = "* * * * *";
        var start = At("2026-03-04T05:06:30");
        var last = BackupSchedule.LatestSlot(cron, start);
        Assert.Equal(At("2026-03-04T05:06:00"), last);

        var fired = new List<DateTimeOffset>();
        for (var now = start; now <= start.AddMinutes(3); now = now.AddMilliseconds(250))
        {
            if (BackupSchedule.Due(cron, last, now) is { } slot)
            {
                fired.Add(slot);
                last = slot;
            }
        }

        Assert.Equal([At("2026-03-04T05:07:00"), At("2026-03-04T05:08:00"), At("2026-03-04T05:09:00")], fired);
    }

    [Fact]
    public void Five_hours_of_downtime_on_an_hourly_schedule_give_one_catch_up_run_for_the_newest_slot()
    {
        const string cron = "0 * * * *";
        var last = At("2026-03-04T05:00:00");
        var back = At("2026-03-04T10:20:00");

        var due = BackupSchedule.Due(cron, last, back);
        Assert.Equal(At("2026-03-04T10:00:00"), due);

        // Recorded; polling on until just before 11:00 fires nothing more.
        for (var now = back; now < At("2026-03-04T11:00:00"); now = now.AddSeconds(10))
        {
            Assert.Null(BackupSchedule.Due(cron, due, now));
        }

        Assert.Equal(At("2026-03-04T11:00:00"), BackupSchedule.Due(cron, due, At("2026-03-04T11:00:00")));
    }
}
