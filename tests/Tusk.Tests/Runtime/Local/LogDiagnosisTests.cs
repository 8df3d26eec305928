using System.Runtime.Versioning;
using Tusk.Runtime.Local;

namespace Tusk.Tests.Runtime.Local;

/// <summary>The log lines are PostgreSQL 15's own, captured from real failed starts.</summary>
[SupportedOSPlatform("linux")]
public class LogDiagnosisTests
{
    private const string Prefix = "2025-01-01 12:00:00.000 UTC [4242] ";

    [Fact]
    public void A_missing_preloaded_library_names_the_Debian_package_that_provides_it()
    {
        var log = $"""
            2025-01-01 12:00:00,000 INFO: trying to bootstrap a new cluster
            {Prefix}FATAL:  could not access file "pgaudit": No such file or directory
            {Prefix}LOG:  database system is shut down
            """;

        Assert.Equal(
            "PostgreSQL cannot start: the library \"pgaudit\" named in shared_preload_libraries is not installed. Install postgresql-15-pgaudit or remove it from spec.patroni.dynamicConfiguration.postgresql.parameters.shared_preload_libraries, then apply again.",
            LogDiagnosis.Explain(log, 15));
    }

    [Fact]
    public void The_package_follows_the_clusters_PostgreSQL_version()
    {
        var log = $"{Prefix}FATAL:  could not access file \"pg_cron\": No such file or directory\n";

        Assert.Contains("Install postgresql-16-cron or remove it", LogDiagnosis.Explain(log, 16), StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_value_given_on_the_command_line_is_quoted_back()
    {
        var log = $"{Prefix}FATAL:  invalid value for parameter \"max_connections\": \"lots\"\n";

        Assert.Equal(
            "PostgreSQL refused a parameter: invalid value for parameter \"max_connections\": \"lots\". Fix it in spec.patroni.dynamicConfiguration.postgresql.parameters and apply again.",
            LogDiagnosis.Explain(log, 15));
    }

    [Fact]
    public void An_invalid_value_in_postgresql_conf_is_quoted_back_although_PostgreSQL_logs_it_before_the_FATAL_line()
    {
        var log = $"""
            {Prefix}LOG:  invalid value for parameter "work_mem": "lots"
            {Prefix}FATAL:  configuration file "/state/hippo-instance1-0/data/postgresql.conf" contains errors
            """;

        Assert.Equal(
            "PostgreSQL refused a parameter: invalid value for parameter \"work_mem\": \"lots\". Fix it in spec.patroni.dynamicConfiguration.postgresql.parameters and apply again.",
            LogDiagnosis.Explain(log, 15));
    }

    [Fact]
    public void An_unrecognized_parameter_in_postgresql_conf_is_quoted_back()
    {
        var log = $"""
            {Prefix}LOG:  unrecognized configuration parameter "wrok_mem" in file "/state/hippo-instance1-0/data/postgresql.conf" line 12
            {Prefix}FATAL:  configuration file "/state/hippo-instance1-0/data/postgresql.conf" contains errors
            """;

        Assert.StartsWith("PostgreSQL refused a parameter: unrecognized configuration parameter \"wrok_mem\"", LogDiagnosis.Explain(log, 15), StringComparison.Ordinal);
    }

    [Fact]
    public void A_taken_port_says_how_to_find_the_program_holding_it()
    {
        var log = $"""
            {Prefix}LOG:  could not bind IPv4 address "127.0.0.1": Address already in use
            {Prefix}HINT:  Is another postmaster already running on port 15000? If not, wait a few seconds and retry.
            {Prefix}WARNING:  could not create listen socket for "127.0.0.1"
            {Prefix}FATAL:  could not create any TCP/IP sockets
            """;

        Assert.Equal(
            "PostgreSQL cannot start: its port 15000 is taken by another program. Stop that program (`ss -ltnp 'sport = :15000'` shows it) and Tusk retries.",
            LogDiagnosis.Explain(log, 15));
    }

    [Fact]
    public void A_taken_port_is_named_even_when_the_tail_begins_at_the_hint()
    {
        var log = $"{Prefix}HINT:  Is another postmaster already running on port 15000? If not, wait a few seconds and retry.\n{Prefix}FATAL:  could not create any TCP/IP sockets\n";

        Assert.Contains("its port 15000 is taken", LogDiagnosis.Explain(log, 15), StringComparison.Ordinal);
    }

    [Fact]
    public void An_ordinary_log_explains_nothing()
    {
        var log = $"""
            2025-01-01 12:00:00,000 INFO: no action. I am (hippo-instance1-0), the leader with the lock
            {Prefix}LOG:  checkpoint starting: time
            {Prefix}LOG:  database system is ready to accept connections
            """;

        Assert.Null(LogDiagnosis.Explain(log, 15));
        Assert.Null(LogDiagnosis.Explain("", 15));
    }

    // A mock of the clock step: the wall clock cannot be stepped in a test without disturbing
    // every other process. The line is Patroni 3.0.2's, as logged here during a restore.
    [Fact]
    public void Patroni_refusing_a_postmaster_after_a_clock_step_is_recognised_for_that_pid_only_mocked_clock_step()
    {
        const string Log = """
            2026-12-01 04:43:05,446 INFO: Lock owner: None; I am bk3s-instance1-2
            2026-12-01 04:43:05,494 INFO: Process 31130 is not postmaster, too much difference between PID file start time 1796100179.39 and process start time 1796100185
            2026-12-01 04:43:05,494 WARNING: Postgresql is not running.
            """;

        Assert.True(LogDiagnosis.PatroniRefusesPostmaster(Log, 31130));
        Assert.False(LogDiagnosis.PatroniRefusesPostmaster(Log, 3113));
        Assert.False(LogDiagnosis.PatroniRefusesPostmaster("2026-12-01 04:43:06,117 INFO: PAUSE: no action. I am (bk3s-instance1-2)", 31130));
    }
}
