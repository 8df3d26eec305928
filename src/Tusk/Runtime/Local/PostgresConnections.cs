using Npgsql;

namespace Tusk.Runtime.Local;

/// <summary>
/// Connections the agent opens as the superuser: over TCP with TLS verified against Tusk's CA
/// and scram-sha-256, the same path every client takes (the socket is the service account's).
/// </summary>
public static class PostgresConnections
{
    public static string ConnectionString(int port, string user, string password, string caFile, string database = "postgres") =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = user,
            Password = password,
            Database = database,
            SslMode = SslMode.VerifyCA,
            RootCertificate = caFile,
            Timeout = 3,
            CommandTimeout = 10,
            Pooling = false,
            ApplicationName = "tusk-agent",
        }.ConnectionString;

    public static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken cancel)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancel);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
