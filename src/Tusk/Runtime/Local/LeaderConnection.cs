using System.Data;
using Npgsql;

namespace Tusk.Runtime.Local;

/// <summary>
/// The agent's connection to a cluster's leader, kept from one cycle to the next. Opening one
/// costs a TLS handshake and a SCRAM exchange on both sides, and the agent's cycle runs four
/// times a second: opening one every cycle, the idle agent of a 1-instance cluster used 6.9 % of
/// a core (AOT build). A round trip checks it before each use; it is opened again when that
/// fails, or when the leader, its port or the password changed.
/// </summary>
public sealed class LeaderConnection
{
    private string? _connectionString;
    private NpgsqlConnection? _connection;

    public async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken cancel)
    {
        if (_connection is { State: ConnectionState.Open } kept && _connectionString == connectionString && await AnswersAsync(kept, cancel))
        {
            return kept;
        }

        await CloseAsync();
        _connection = await PostgresConnections.OpenAsync(connectionString, cancel);
        _connectionString = connectionString;
        return _connection;
    }

    /// <summary>
    /// Closes it: after an error, so the next cycle starts on a new one, and before PostgreSQL
    /// stops, because a smart shutdown (SIGTERM) waits until every session has ended.
    /// </summary>
    public async Task CloseAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            _connection = null;
        }

        _connectionString = null;
    }

    /// <summary>False when the server ended the session meanwhile (PostgreSQL restarted, a switchover, idle_session_timeout).</summary>
    private static async Task<bool> AnswersAsync(NpgsqlConnection connection, CancellationToken cancel)
    {
        try
        {
            await using var ping = new NpgsqlCommand("SELECT 1", connection);
            await ping.ExecuteScalarAsync(cancel);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
        {
            return false;
        }
    }
}
