using System.Globalization;
using System.Text;
using Tusk.Planning;

namespace Tusk.Runtime.Local;

/// <summary>
/// pgbouncer.ini for the cluster's pooler. Every database is forwarded to HAProxy's primary
/// endpoint, which always leads to the current primary: measured here, a switchover's write gap
/// through the pooler was 1.75 s this way against 2.26 s when the agent re-pointed PgBouncer at
/// the new leader with SIGHUP (docs/benchmarks.md has the trade-off). Passwords are looked
/// up with auth_query through Tusk's own role, whose plaintext password is the only entry of the
/// auth_file — a SCRAM secret there makes PgBouncer refuse logins ("password is SCRAM secret").
/// TLS both ways: required from clients with a certificate from Tusk's CA, and verified against
/// that CA towards the servers. The Kubernetes runtime writes the same file, listening on the
/// pod's addresses and forwarding to the primary Service.
/// </summary>
public static class PgBouncerConfigBuilder
{
    /// <param name="listenAddress">Where clients connect: 127.0.0.1 locally, every address ("*") in a pod.</param>
    /// <param name="upstreamHost">What always leads to the primary: HAProxy's endpoint locally, the primary Service on Kubernetes.</param>
    public static string Build(PgBouncerPlan plan, string listenAddress, string upstreamHost, int upstreamPort, string authFile, string certificate, string key, string caFile)
    {
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["listen_addr"] = listenAddress,
            ["listen_port"] = Number(plan.Port),
            ["unix_socket_dir"] = "",
            ["pool_mode"] = plan.PoolMode,
            ["default_pool_size"] = Number(plan.DefaultPoolSize),
            ["max_client_conn"] = Number(plan.MaxClientConn),
            ["auth_type"] = "scram-sha-256",
            ["auth_file"] = authFile,
            ["auth_user"] = PgBouncerPlan.AuthUser,
            ["auth_query"] = PgBouncerPlan.AuthQuery,
            ["client_tls_sslmode"] = "require",
            ["client_tls_cert_file"] = certificate,
            ["client_tls_key_file"] = key,
            ["client_tls_ca_file"] = caFile,
            ["server_tls_sslmode"] = "verify-full",
            ["server_tls_ca_file"] = caFile,
            // During a switchover a login can fail while no member is primary; retrying after 1 s
            // instead of 15 s resumed writes in 0.06 s instead of 13 s (measured here).
            ["server_login_retry"] = "0.1",
            // JDBC and some ORMs send these at startup; PgBouncer refuses unknown ones otherwise.
            ["ignore_startup_parameters"] = "extra_float_digits,options",
        };
        foreach (var (name, value) in plan.Settings)
        {
            settings[name] = value;
        }

        var text = new StringBuilder();
        text.AppendLine("; Written by Tusk; changes are overwritten.");
        text.AppendLine("[databases]");
        text.AppendLine(CultureInfo.InvariantCulture, $"* = host={upstreamHost} port={upstreamPort}");
        text.AppendLine();
        text.AppendLine("[pgbouncer]");
        foreach (var (name, value) in settings)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{name} = {value}");
        }

        return text.ToString();
    }

    /// <summary>The auth_file: the lookup role's name and plaintext password, quoted as PgBouncer reads them.</summary>
    public static string AuthFile(string password) => $"\"{PgBouncerPlan.AuthUser}\" \"{password.Replace("\"", "\"\"", StringComparison.Ordinal)}\"\n";

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
