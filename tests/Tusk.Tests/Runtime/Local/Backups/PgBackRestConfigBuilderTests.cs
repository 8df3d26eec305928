using System.Runtime.Versioning;
using Tusk.Planning.Backups;
using Tusk.Runtime.Local.Backups;
using static Tusk.Tests.Runtime.Local.LocalPlans;

namespace Tusk.Tests.Runtime.Local.Backups;

[SupportedOSPlatform("linux")]
public class PgBackRestConfigBuilderTests
{
    private static readonly Tusk.Runtime.Local.LocalMember Member = Members(Plan())[1];

    [Fact]
    public void The_member_is_reached_through_its_own_socket_and_archives_asynchronously_with_its_own_spool()
    {
        var text = PgBackRestConfigBuilder.Build(new Dictionary<string, string>(), [(1, "/repos/one"), (3, "/repos/three")], Member);
        var lines = text.Split('\n');

        Assert.Equal("[global]", lines[0]);
        Assert.Contains("repo1-path=/repos/one", lines);
        Assert.Contains("repo3-path=/repos/three", lines);
        Assert.Contains("archive-async=y", lines);
        Assert.Contains("spool-path=/state/clusters/default/hippo/hippo-instance1-1/pgbackrest/spool", lines);
        Assert.Contains("log-level-console=warn", lines);
        Assert.Contains("start-fast=y", lines);
        Assert.Contains("[db]", lines);
        Assert.Contains("pg1-path=/state/clusters/default/hippo/hippo-instance1-1/data", lines);
        Assert.Contains("pg1-socket-path=/state/clusters/default/hippo/hippo-instance1-1/run", lines);
        Assert.Contains("pg1-port=15001", lines);
        Assert.Contains("pg1-user=postgres", lines);
    }

    [Fact]
    public void The_spec_overrides_Tusks_defaults_but_not_the_options_Tusk_manages()
    {
        var text = PgBackRestConfigBuilder.Build(new Dictionary<string, string> { ["start-fast"] = "n", ["repo1-retention-full"] = "4" }, [(1, "/r")], Member);

        Assert.Contains("start-fast=n\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("start-fast=y", text, StringComparison.Ordinal);
        Assert.Contains("repo1-retention-full=4\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_archive_command_names_the_members_data_directory_literally_because_Patroni_runs_it_without_a_shell() =>
        Assert.Equal(
            "pgbackrest --config=/state/clusters/default/hippo/hippo-instance1-1/pgbackrest.conf --stanza=db --pg1-path=/state/clusters/default/hippo/hippo-instance1-1/data archive-push %p",
            PgBackRestConfigBuilder.ArchiveCommand(Member));

    [Fact]
    public void The_restore_command_quotes_a_time_with_spaces_and_leaves_the_recovery_settings_to_Patroni()
    {
        var command = PgBackRestConfigBuilder.RestoreCommand(Member, RestoreTarget.ToTime(new DateTimeOffset(2026, 11, 30, 14, 0, 0, TimeSpan.Zero)));

        Assert.EndsWith("--pg1-path=/state/clusters/default/hippo/hippo-instance1-1/data --type=time '--target=2026-11-30 14:00:00.000000+00' restore", command, StringComparison.Ordinal);
        Assert.StartsWith("pgbackrest --config=/state/clusters/default/hippo/hippo-instance1-1/pgbackrest-restore.conf --stanza=db", command, StringComparison.Ordinal);
    }

    [Fact]
    public void A_restoring_member_fetches_WAL_from_the_repository_it_restores_from_directly_when_the_target_says_so()
    {
        const string Invocation = "pgbackrest --config=/state/clusters/default/hippo/hippo-instance1-1/pgbackrest-restore.conf --stanza=db --pg1-path=/state/clusters/default/hippo/hippo-instance1-1/data";
        Assert.Equal(Invocation + " archive-get %f \"%p\"", PgBackRestConfigBuilder.ArchiveGetCommand(Member, RestoreTarget.Latest));
        Assert.Equal(
            Invocation + " --no-archive-async archive-get %f \"%p\"",
            PgBackRestConfigBuilder.ArchiveGetCommand(Member, RestoreTarget.ToBackup("20261130-140814F") with { FetchesWalDirectly = true }));
    }

    [Fact]
    public void A_restore_the_agent_runs_goes_to_the_staging_directory_fetches_WAL_for_the_data_directory_and_promotes_at_a_target()
    {
        const string Staging = "--pg1-path=/state/clusters/default/hippo/hippo-instance1-1/data.restoring";
        const string Fetch = "--recovery-option=restore_command=pgbackrest --config=/state/clusters/default/hippo/hippo-instance1-1/pgbackrest-restore.conf --stanza=db --pg1-path=/state/clusters/default/hippo/hippo-instance1-1/data archive-get %f \"%p\"";
        Assert.Equal(
            [Staging, Fetch, "--type=time", "--target=2026-11-30 14:00:00.000000+00", "--target-action=promote", "restore"],
            PgBackRestConfigBuilder.RestoreArguments(Member, RestoreTarget.ToTime(new DateTimeOffset(2026, 11, 30, 14, 0, 0, TimeSpan.Zero))));
        Assert.Equal(
            [Staging, Fetch, "--set=20261130-140814F", "--type=immediate", "--target-action=promote", "restore"],
            PgBackRestConfigBuilder.RestoreArguments(Member, RestoreTarget.ToBackup("20261130-140814F")));
        // pgBackRest refuses --target-action with --type=default; recovery promotes at the end of the archive by itself.
        Assert.Equal([Staging, Fetch, "--type=default", "restore"], PgBackRestConfigBuilder.RestoreArguments(Member, RestoreTarget.Latest));
    }
}
