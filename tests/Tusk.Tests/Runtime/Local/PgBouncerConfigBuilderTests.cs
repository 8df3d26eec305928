using Tusk.Planning;
using Tusk.Runtime.Local;

namespace Tusk.Tests.Runtime.Local;

public sealed class PgBouncerConfigBuilderTests
{
    private static readonly PgBouncerPlan Plan = new(6432, "transaction", 10, 200, new Dictionary<string, string> { ["server_login_retry"] = "2", ["stats_users"] = "app" });

    [Fact]
    public void Every_database_goes_to_the_upstream_over_verified_tls_and_passwords_are_looked_up_through_tusks_role()
    {
        var ini = PgBouncerConfigBuilder.Build(Plan, "127.0.0.1", "127.0.0.1", 7001, "/c/pgbouncer/userlist.txt", "/c/tls/server.crt", "/c/tls/server.key", "/c/tls/ca.crt");
        var lines = ini.Split('\n', StringSplitOptions.TrimEntries);

        Assert.Contains("* = host=127.0.0.1 port=7001", lines);
        Assert.Contains("listen_addr = 127.0.0.1", lines);
        Assert.Contains("listen_port = 6432", lines);
        Assert.Contains("pool_mode = transaction", lines);
        Assert.Contains("default_pool_size = 10", lines);
        Assert.Contains("max_client_conn = 200", lines);
        Assert.Contains("auth_type = scram-sha-256", lines);
        Assert.Contains("auth_user = tusk_pgbouncer", lines);
        Assert.Contains("auth_query = SELECT username, password FROM pgbouncer.get_auth($1)", lines);
        Assert.Contains("client_tls_sslmode = require", lines);
        Assert.Contains("server_tls_sslmode = verify-full", lines);
        Assert.Contains("server_tls_ca_file = /c/tls/ca.crt", lines);
        // The user's overrides win over Tusk's defaults and add settings.
        Assert.Contains("server_login_retry = 2", lines);
        Assert.Contains("stats_users = app", lines);
        Assert.Single(lines, l => l.StartsWith("server_login_retry", StringComparison.Ordinal));
    }

    [Fact]
    public void The_auth_file_holds_the_plaintext_password_quoted_as_pgbouncer_reads_it()
    {
        Assert.Equal("\"tusk_pgbouncer\" \"pa\"\"ss\"\n", PgBouncerConfigBuilder.AuthFile("pa\"ss"));
    }
}
