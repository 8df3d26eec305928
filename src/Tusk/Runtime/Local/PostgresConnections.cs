using System.Security.Cryptography.X509Certificates;
using Npgsql;

namespace Tusk.Runtime.Local;

/// <summary>
/// Connections the agent opens as the superuser: over TCP with TLS verified against Tusk's CA
/// and scram-sha-256, the same path every client takes (the socket is the service account's).
/// The operator (and the Kubernetes tests) open theirs with <see cref="OpenVerifiedAsync"/>.
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

    /// <summary>
    /// Opens a connection over TLS whose certificate chain is verified against <paramref name="caPem"/>
    /// (verify-ca: on Kubernetes pods are reached by address, which the certificate does not name),
    /// for a CA held in memory rather than in a file.
    /// </summary>
    public static async Task<NpgsqlConnection> OpenVerifiedAsync(NpgsqlConnectionStringBuilder settings, string caPem, CancellationToken cancel)
    {
        settings.SslMode = SslMode.VerifyCA;
        var builder = new NpgsqlDataSourceBuilder(settings.ConnectionString);
        using var ca = X509Certificate2.CreateFromPem(caPem);
        builder.UseRootCertificate(ca);
        await using var source = builder.Build();
        return await source.OpenConnectionAsync(cancel);
    }
}
