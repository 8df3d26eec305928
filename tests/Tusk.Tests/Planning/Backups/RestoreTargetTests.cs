using Tusk.Api;
using Tusk.Planning.Backups;

namespace Tusk.Tests.Planning.Backups;

public class RestoreTargetTests
{
    [Fact]
    public void A_time_becomes_pgBackRests_own_format_in_UTC_so_it_can_choose_the_backup_itself()
    {
        Assert.True(RestoreTarget.TryParseTime("2026-11-30T15:00:00+01:00", out var time));

        var target = RestoreTarget.ToTime(time);

        Assert.Equal(["--type=time", "--target=2026-11-30 14:00:00.000000+00"], target.Options);
    }

    [Theory]
    [InlineData("2026-11-30 14:00:04+00", "2026-11-30 14:00:05.300+00", true)]
    [InlineData("2026-11-30 14:00:05+00", "2026-11-30 14:00:05.300+00", false)] // ended in the target's own second: pgBackRest does not count it
    [InlineData("2026-11-30 14:00:05+00", "2026-11-30 14:00:06+00", true)]
    [InlineData("2026-11-30 14:00:06+00", "2026-11-30 14:00:05.900+00", false)]
    public void A_time_restore_starts_only_from_a_backup_that_ended_in_an_earlier_whole_second(string stoppedAt, string target, bool found)
    {
        Assert.True(RestoreTarget.TryParseTime(stoppedAt, out var stop));
        Assert.True(RestoreTarget.TryParseTime(target, out var time));

        var problem = RestoreTarget.ToTime(time).NoBackupToStartFrom([Backup(stop, "0/3000000")]);

        Assert.Equal(found, problem is null);
        Assert.True(found || problem!.Contains("next whole second", StringComparison.Ordinal), problem);
    }

    [Theory]
    [InlineData("0/3000100", "0/3000100", true)] // at the backup's stop LSN
    [InlineData("0/3000100", "1/0", true)]
    [InlineData("0/3000100", "0/30000FF", false)]
    [InlineData("A/0", "9/FFFFFFFF", false)]
    public void An_LSN_restore_starts_only_from_a_backup_that_stopped_at_or_before_it(string stopLsn, string target, bool found)
    {
        var problem = RestoreTarget.ToLsn(target).NoBackupToStartFrom([Backup(DateTimeOffset.UnixEpoch, stopLsn)]);

        Assert.Equal(found, problem is null);
    }

    [Fact]
    public void A_restore_to_a_named_backup_or_to_the_end_of_the_archive_leaves_the_choice_to_pgBackRest()
    {
        var late = Backup(new DateTimeOffset(2026, 11, 30, 14, 0, 0, TimeSpan.Zero), "5/0");

        Assert.Null(RestoreTarget.ToBackup("20261130-140000F").NoBackupToStartFrom([late]));
        Assert.Null(RestoreTarget.Latest.NoBackupToStartFrom([late]));
        Assert.Null(RestoreTarget.ToTime(DateTimeOffset.UnixEpoch).NoBackupToStartFrom([]));
    }

    [Theory]
    [InlineData("000000010000000000000014", "000000010000000000000015", true)]
    [InlineData("000000010000000000000014", "00000001000000000000001B", true)] // 7 apart: the most fetched directly
    [InlineData("000000010000000000000014", "00000001000000000000001C", false)]
    [InlineData("0000000100000000000000FF", "000000010000000100000000", false)] // across a log: not counted, prefetched
    [InlineData("000000010000000000000014", "000000020000000000000014", false)]
    public void A_backup_restored_to_its_consistency_point_fetches_its_WAL_directly_only_when_it_spans_a_few_segments(string walStart, string walStop, bool directly)
    {
        BackupRecord[] backups = [new("20261130-140000F", "full", "repo1", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 1, 1, walStart, walStop, null, null)];

        Assert.Equal(directly, RestoreTarget.ToBackup("20261130-140000F").WithWalFetchFor(backups).FetchesWalDirectly);
    }

    [Fact]
    public void Every_other_target_leaves_WAL_to_pgBackRests_prefetch()
    {
        BackupRecord[] backups = [new("20261130-140000F", "full", "repo1", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 1, 1, "000000010000000000000014", "000000010000000000000014", null, null)];

        Assert.False(RestoreTarget.ToTime(DateTimeOffset.UnixEpoch.AddYears(60)).WithWalFetchFor(backups).FetchesWalDirectly);
        Assert.False(RestoreTarget.Latest.WithWalFetchFor(backups).FetchesWalDirectly);
        Assert.False(RestoreTarget.ToBackup("20261130-150000F").WithWalFetchFor(backups).FetchesWalDirectly); // not in the list
    }

    private static BackupRecord Backup(DateTimeOffset stoppedAt, string lsnStop) =>
        new("20261130-140000F", "full", "repo1", stoppedAt.AddSeconds(-5), stoppedAt, 1, 1, null, null, "0/1000000", lsnStop);

    [Fact]
    public void The_recovery_settings_stand_for_pgBackRests_options_and_pause_at_the_target()
    {
        var (target, _) = RestoreTarget.FromOptions(["--type=xid", "--target=1234", "--target-exclusive", "--target-timeline=2"]);

        Assert.Equal(
            new Dictionary<string, string> { ["recovery_target_xid"] = "1234", ["recovery_target_action"] = "pause", ["recovery_target_inclusive"] = "false", ["recovery_target_timeline"] = "2" },
            target!.RecoverySettings());
        Assert.Equal(
            new Dictionary<string, string> { ["recovery_target_time"] = "2026-11-30 14:00:00.000000+00", ["recovery_target_action"] = "pause" },
            RestoreTarget.ToTime(new DateTimeOffset(2026, 11, 30, 14, 0, 0, TimeSpan.Zero)).RecoverySettings());
        Assert.Equal(
            new Dictionary<string, string> { ["recovery_target"] = "immediate", ["recovery_target_action"] = "pause" },
            RestoreTarget.ToBackup("20261130-140814F").RecoverySettings());
        Assert.Equal(new Dictionary<string, string> { ["recovery_target_lsn"] = "0/3000000", ["recovery_target_action"] = "pause" }, RestoreTarget.ToLsn("0/3000000").RecoverySettings());
        // The end of the archive has no target: recovery ends there and promotes by itself.
        Assert.Empty(RestoreTarget.Latest.RecoverySettings());
    }

    [Theory]
    [InlineData("0/3000000", true)]
    [InlineData("16/B374D848", true)]
    [InlineData("3000000", false)]
    [InlineData("0/xyz", false)]
    public void An_LSN_is_two_hex_numbers_with_a_slash(string text, bool valid) => Assert.Equal(valid, RestoreTarget.IsLsn(text));

    [Fact]
    public void A_backup_target_replays_only_to_consistency_and_says_so_after_the_agent_reads_it_back()
    {
        var target = RestoreTarget.ToBackup("20261130-140814F");

        Assert.Equal(["--set=20261130-140814F", "--type=immediate"], target.Options);
        Assert.Equal("backup 20261130-140814F", RestoreTarget.FromOptions(target.Options).Target!.Description);
        Assert.Equal("LSN 0/3000000", RestoreTarget.ToLsn("0/3000000").Description);
        Assert.Equal("LSN 0/3000000", RestoreTarget.FromOptions(RestoreTarget.ToLsn("0/3000000").Options).Target!.Description);
    }

    [Fact]
    public void Spec_options_with_an_ISO_time_are_normalised_and_no_options_mean_the_end_of_the_archive()
    {
        var (target, problem) = RestoreTarget.FromOptions(["--type=time", "--target=2026-11-30T14:00:00Z"]);

        Assert.Null(problem);
        Assert.Equal(["--type=time", "--target=2026-11-30 14:00:00.000000+00"], target!.Options);
        Assert.Equal(RestoreTarget.Latest, RestoreTarget.FromOptions([]).Target);
    }

    [Theory]
    [InlineData("--pg1-path=/x", "is not a restore option Tusk passes on")]
    [InlineData("--target-action=pause", "is not a restore option Tusk passes on")]
    [InlineData("--type=sometime", "--type=sometime is not a restore type")]
    [InlineData("--type=time", "--type=time needs --target=")]
    [InlineData("--type=lsn|--target=yesterday", "is not an LSN")]
    [InlineData("--type=time|--target=yesterday", "is not a time")]
    public void Options_Tusk_sets_itself_or_that_make_no_sense_are_refused_with_what_to_write(string options, string expected)
    {
        var (target, problem) = RestoreTarget.FromOptions(options.Split('|'));

        Assert.Null(target);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }
}
