using Tusk.Api.Validation;

namespace Tusk.Tests.Api.Validation;

public class PgBackRestOptionsTests
{
    private static readonly int[] Repo1 = [1];
    private static readonly int[] Repo1And3 = [1, 3];

    [Theory]
    [InlineData("repo1-retention-full")]
    [InlineData("repo1-retention-full-type")]
    [InlineData("repo1-retention-diff")]
    [InlineData("repo1-retention-archive")]
    [InlineData("repo1-retention-archive-type")]
    [InlineData("repo1-retention-history")]
    [InlineData("repo1-bundle")]
    [InlineData("repo1-bundle-size")]
    [InlineData("repo1-bundle-limit")]
    [InlineData("repo1-hardlink")]
    [InlineData("compress-type")]
    [InlineData("compress-level")]
    [InlineData("compress-level-network")]
    [InlineData("process-max")]
    [InlineData("buffer-size")]
    [InlineData("start-fast")]
    [InlineData("archive-push-queue-max")]
    [InlineData("archive-get-queue-max")]
    [InlineData("archive-timeout")]
    [InlineData("archive-check")]
    [InlineData("archive-copy")]
    [InlineData("archive-missing-retry")]
    [InlineData("checksum-page")]
    [InlineData("delta")]
    [InlineData("io-timeout")]
    [InlineData("db-timeout")]
    [InlineData("protocol-timeout")]
    [InlineData("manifest-save-threshold")]
    [InlineData("resume")]
    [InlineData("expire-auto")]
    [InlineData("log-level-file")]
    [InlineData("log-level-stderr")]
    [InlineData("log-subprocess")]
    [InlineData("log-timestamp")]
    [InlineData("sck-keep-alive")]
    [InlineData("tcp-keep-alive-count")]
    [InlineData("tcp-keep-alive-idle")]
    [InlineData("tcp-keep-alive-interval")]
    public void Tuning_options_are_accepted(string name)
    {
        Assert.Null(PgBackRestOptions.Problem(name, Repo1));
    }

    [Theory]
    [InlineData("repo3-retention-full")]
    [InlineData("repo3-bundle")]
    [InlineData("repo1-retention-diff")]
    public void Repository_options_are_accepted_for_every_declared_repository(string name)
    {
        Assert.Null(PgBackRestOptions.Problem(name, Repo1And3));
    }

    [Theory]
    [InlineData("repo2-retention-full", "repo2-retention-full: repo2 is not declared in spec.backups.pgbackrest.repos; declare it or use repo1-retention-full or repo3-retention-full")]
    [InlineData("repo4-bundle", "repo4-bundle: repo4 is not declared in spec.backups.pgbackrest.repos; declare it or use repo1-bundle or repo3-bundle")]
    [InlineData("repo5-retention-full", "repo5-retention-full: repo5 is outside repo1..repo4, the repositories spec.backups.pgbackrest.repos can declare; declare it or use repo1-retention-full or repo3-retention-full")]
    [InlineData("repo0-retention-full", "repo0-retention-full: repo0 is outside repo1..repo4, the repositories spec.backups.pgbackrest.repos can declare; declare it or use repo1-retention-full or repo3-retention-full")]
    [InlineData("repo999999999-retention-full", "repo999999999-retention-full: repo999999999 is outside repo1..repo4, the repositories spec.backups.pgbackrest.repos can declare; declare it or use repo1-retention-full or repo3-retention-full")]
    [InlineData("repo-retention-full", "repo-retention-full needs a repository index: write repo1-retention-full")]
    [InlineData("retention-diff", "retention-diff needs a repository index: write repo1-retention-diff")]
    public void Repository_options_need_a_declared_repository(string name, string expected)
    {
        Assert.Equal(expected, PgBackRestOptions.Problem(name, Repo1And3));
    }

    [Fact]
    public void Without_declared_repositories_the_index_problem_says_to_declare_one()
    {
        Assert.Equal(
            "repo1-retention-full: repo1 is not declared in spec.backups.pgbackrest.repos; declare it there first",
            PgBackRestOptions.Problem("repo1-retention-full", []));
    }

    [Theory]
    [InlineData("repo1-path", "repo1-path is managed by Tusk: set spec.backups.pgbackrest.repos[].path instead")]
    [InlineData("repo2-path", "repo2-path is managed by Tusk: set spec.backups.pgbackrest.repos[].path instead")]
    [InlineData("repo-path", "repo-path is managed by Tusk: set spec.backups.pgbackrest.repos[].path instead")]
    [InlineData("repo1-type", "repo1-type is managed by Tusk: the local runtime keeps repositories in directories")]
    [InlineData("repo1-s3-bucket", "repo1-s3-bucket is managed by Tusk: the local runtime keeps repositories in directories")]
    [InlineData("repo1-s3-key-secret", "repo1-s3-key-secret is managed by Tusk: the local runtime keeps repositories in directories")]
    [InlineData("repo1-gcs-key", "repo1-gcs-key is managed by Tusk: the local runtime keeps repositories in directories")]
    [InlineData("repo1-azure-container", "repo1-azure-container is managed by Tusk: the local runtime keeps repositories in directories")]
    [InlineData("repo1-storage-verify-tls", "repo1-storage-verify-tls is managed by Tusk: the local runtime keeps repositories in directories")]
    [InlineData("repo1-host", "repo1-host is managed by Tusk: Tusk runs pgBackRest on each member against a repository on the same machine")]
    [InlineData("repo1-host-user", "repo1-host-user is managed by Tusk: Tusk runs pgBackRest on each member against a repository on the same machine")]
    [InlineData("repo1-cipher-type", "repo1-cipher-type is managed by Tusk: encryption keys would have to be stored in the spec; not supported yet")]
    [InlineData("repo1-cipher-pass", "repo1-cipher-pass is managed by Tusk: encryption keys would have to be stored in the spec; not supported yet")]
    [InlineData("repo1-block", "repo1-block is managed by Tusk: block incremental is a beta feature in pgBackRest 2.45 (it needs beta=y, \"do not use in production\")")]
    [InlineData("repo1-block-size-super", "repo1-block-size-super is managed by Tusk: block incremental is a beta feature in pgBackRest 2.45 (it needs beta=y, \"do not use in production\")")]
    [InlineData("pg1-path", "pg1-path is managed by Tusk: Tusk sets the PostgreSQL paths, ports and sockets of every member")]
    [InlineData("pg2-port", "pg2-port is managed by Tusk: Tusk sets the PostgreSQL paths, ports and sockets of every member")]
    [InlineData("pg1-socket-path", "pg1-socket-path is managed by Tusk: Tusk sets the PostgreSQL paths, ports and sockets of every member")]
    [InlineData("pg-host", "pg-host is managed by Tusk: Tusk sets the PostgreSQL paths, ports and sockets of every member")]
    [InlineData("spool-path", "spool-path is managed by Tusk: Tusk keeps each member's spool, lock and log files under its state directory")]
    [InlineData("lock-path", "lock-path is managed by Tusk: Tusk keeps each member's spool, lock and log files under its state directory")]
    [InlineData("log-path", "log-path is managed by Tusk: Tusk keeps each member's spool, lock and log files under its state directory")]
    [InlineData("archive-async", "archive-async is managed by Tusk: Tusk archives asynchronously with a spool directory per member")]
    [InlineData("stanza", "stanza is managed by Tusk: Tusk names the stanza after the cluster")]
    [InlineData("config", "config is managed by Tusk: Tusk writes each member's pgbackrest.conf")]
    [InlineData("config-include-path", "config-include-path is managed by Tusk: Tusk writes each member's pgbackrest.conf")]
    [InlineData("log-level-console", "log-level-console is managed by Tusk: Tusk keeps the console at warn so archive-push does not flood PostgreSQL's log")]
    [InlineData("backup-standby", "backup-standby is managed by Tusk: Tusk backs up from the primary")]
    [InlineData("beta", "beta is managed by Tusk: beta features are not for production")]
    [InlineData("compress", "compress is managed by Tusk: it is deprecated; use compress-type")]
    [InlineData("type", "type is managed by Tusk: it belongs to a single command run; Tusk passes it when it runs that command")]
    [InlineData("target", "target is managed by Tusk: it belongs to a single command run; Tusk passes it when it runs that command")]
    public void Options_Tusk_owns_are_refused_with_the_reason(string name, string expected)
    {
        Assert.Equal(expected, PgBackRestOptions.Problem(name, Repo1));
    }

    [Theory]
    [InlineData("repo1-retention-ful", "repo1-retention-ful is not a pgBackRest 2.45 option; did you mean repo1-retention-full?")]
    [InlineData("repo1-retension-diff", "repo1-retension-diff is not a pgBackRest 2.45 option; did you mean repo1-retention-diff?")]
    [InlineData("compres-type", "compres-type is not a pgBackRest 2.45 option; did you mean compress-type?")]
    [InlineData("proces-max", "proces-max is not a pgBackRest 2.45 option; did you mean process-max?")]
    [InlineData("start_fast", "start_fast is not a pgBackRest 2.45 option; did you mean start-fast?")]
    [InlineData("REPO1-RETENTION-FULL", "REPO1-RETENTION-FULL is not a pgBackRest 2.45 option; did you mean repo1-retention-full?")]
    [InlineData("shared_buffers", "shared_buffers is not a pgBackRest 2.45 option; see https://pgbackrest.org/configuration.html")]
    [InlineData("repo1-frobnicate", "repo1-frobnicate is not a pgBackRest 2.45 option; see https://pgbackrest.org/configuration.html")]
    [InlineData("", " is not a pgBackRest 2.45 option; see https://pgbackrest.org/configuration.html")]
    public void Unknown_names_are_refused_with_a_suggestion_when_one_is_close(string name, string expected)
    {
        Assert.Equal(expected, PgBackRestOptions.Problem(name, Repo1));
    }

    [Fact]
    public void Suggestions_come_from_the_declared_repositories()
    {
        Assert.Equal(
            "repo3-retention-ful is not a pgBackRest 2.45 option; did you mean repo3-retention-full?",
            PgBackRestOptions.Problem("repo3-retention-ful", Repo1And3));
    }

    [Fact]
    public void Command_line_dashes_are_refused_with_the_conf_spelling()
    {
        Assert.Equal(
            "\"--start-fast\" must be written without leading dashes, as in pgbackrest.conf: start-fast",
            PgBackRestOptions.Problem("--start-fast", Repo1));
    }

    [Theory]
    [InlineData("repo1-retention-full", "1")]
    [InlineData("repo2-retention-full", "9999999")]
    [InlineData("repo1-retention-diff", "7")]
    [InlineData("repo1-retention-archive", "2")]
    [InlineData("repo1-retention-history", "0")]
    [InlineData("repo1-retention-history", "365")]
    [InlineData("repo1-retention-full-type", "time")]
    [InlineData("repo1-retention-archive-type", "incr")]
    [InlineData("compress-type", "zst")]
    [InlineData("compress-type", "none")]
    [InlineData("process-max", "1")]
    [InlineData("process-max", "999")]
    [InlineData("start-fast", "y")]
    [InlineData("delta", "n")]
    [InlineData("archive-check", "y")]
    [InlineData("archive-copy", "n")]
    [InlineData("resume", "n")]
    [InlineData("expire-auto", "y")]
    [InlineData("checksum-page", "y")]
    [InlineData("repo1-bundle", "y")]
    [InlineData("repo1-hardlink", "n")]
    [InlineData("log-level-file", "detail")]
    [InlineData("log-level-stderr", "off")]
    [InlineData("compress-level", "whatever")]
    [InlineData("buffer-size", "2MiB")]
    [InlineData("archive-timeout", "30")]
    public void Values_that_suit_the_option_are_accepted(string name, string value)
    {
        Assert.Null(PgBackRestOptions.ValueProblem(name, value));
    }

    [Theory]
    [InlineData("repo1-retention-full", "0", "repo1-retention-full needs a whole number from 1 to 9999999, got \"0\"")]
    [InlineData("repo1-retention-full", "10000000", "repo1-retention-full needs a whole number from 1 to 9999999, got \"10000000\"")]
    [InlineData("repo1-retention-full", "-1", "repo1-retention-full needs a whole number from 1 to 9999999, got \"-1\"")]
    [InlineData("repo1-retention-full", " 2", "repo1-retention-full needs a whole number from 1 to 9999999, got \" 2\"")]
    [InlineData("repo1-retention-diff", "two", "repo1-retention-diff needs a whole number from 1 to 9999999, got \"two\"")]
    [InlineData("repo1-retention-archive", "1.5", "repo1-retention-archive needs a whole number from 1 to 9999999, got \"1.5\"")]
    [InlineData("repo1-retention-history", "-1", "repo1-retention-history needs a whole number from 0 to 9999999, got \"-1\"")]
    [InlineData("repo1-retention-full-type", "days", "repo1-retention-full-type must be count or time, got \"days\"")]
    [InlineData("repo1-retention-archive-type", "all", "repo1-retention-archive-type must be full, diff or incr, got \"all\"")]
    [InlineData("compress-type", "gzip", "compress-type must be none, bz2, gz, lz4 or zst, got \"gzip\"")]
    [InlineData("compress-type", "GZ", "compress-type must be none, bz2, gz, lz4 or zst, got \"GZ\"")]
    [InlineData("process-max", "0", "process-max needs a whole number from 1 to 999, got \"0\"")]
    [InlineData("process-max", "1000", "process-max needs a whole number from 1 to 999, got \"1000\"")]
    [InlineData("start-fast", "yes", "start-fast must be y or n, got \"yes\"")]
    [InlineData("delta", "true", "delta must be y or n, got \"true\"")]
    [InlineData("archive-check", "Y", "archive-check must be y or n, got \"Y\"")]
    [InlineData("resume", "", "resume must be y or n, got \"\"")]
    [InlineData("expire-auto", "1", "expire-auto must be y or n, got \"1\"")]
    [InlineData("checksum-page", "on", "checksum-page must be y or n, got \"on\"")]
    [InlineData("repo2-bundle", "true", "repo2-bundle must be y or n, got \"true\"")]
    [InlineData("repo1-hardlink", "yes", "repo1-hardlink must be y or n, got \"yes\"")]
    [InlineData("repo1-block", "yes", "repo1-block must be y or n, got \"yes\"")]
    [InlineData("log-level-file", "verbose", "log-level-file must be off, error, warn, info, detail, debug or trace, got \"verbose\"")]
    public void Values_that_do_not_suit_the_option_are_refused(string name, string value, string expected)
    {
        Assert.Equal(expected, PgBackRestOptions.ValueProblem(name, value));
    }
}
