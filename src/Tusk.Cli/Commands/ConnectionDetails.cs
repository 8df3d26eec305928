using Tusk.Api;

namespace Tusk.Cli.Commands;

/// <summary>The keys Crunchy PGO puts in a user's Secret (user, password, dbname, host, port, uri, jdbc-uri), computed for the local runtime.</summary>
public static class ConnectionDetails
{
    public const string Hidden = "<hidden>";

    public static Dictionary<string, string> For(PostgresCluster cluster, UserSpec user, string password, string caFile, bool showPassword)
    {
        var database = user.Databases is { Count: > 0 } d ? d[0] : "postgres";
        const string host = "127.0.0.1";
        var port = cluster.Spec.Port!.Value;
        var shown = showPassword ? password : Hidden;
        var secret = showPassword ? Uri.EscapeDataString(password) : Hidden;
        var tls = $"sslmode=verify-full&sslrootcert={Uri.EscapeDataString(caFile)}";
        string PostgresUri(int port) => $"postgresql://{Uri.EscapeDataString(user.Name!)}:{secret}@{host}:{port}/{Uri.EscapeDataString(database)}?{tls}";
        string JdbcUri(int port) => $"jdbc:postgresql://{host}:{port}/{Uri.EscapeDataString(database)}?user={Uri.EscapeDataString(user.Name!)}&password={secret}&{tls}";
        var details = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["user"] = user.Name!,
            ["password"] = shown,
            ["dbname"] = database,
            ["host"] = host,
            ["port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["uri"] = PostgresUri(port),
            ["jdbc-uri"] = JdbcUri(port),
            ["ca"] = caFile,
        };
        if (cluster.Spec.Proxy?.PgBouncer?.Port is { } poolerPort)
        {
            // PGO's pgbouncer-* keys. Prepared statements do not survive transaction pooling, so
            // the JDBC URI turns the driver's server-side preparation off (prepareThreshold=0).
            details["pgbouncer-host"] = host;
            details["pgbouncer-port"] = poolerPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            details["pgbouncer-uri"] = PostgresUri(poolerPort);
            details["pgbouncer-jdbc-uri"] = JdbcUri(poolerPort) + "&prepareThreshold=0";
        }

        return details;
    }
}
