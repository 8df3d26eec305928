using System.Globalization;
using Npgsql;
using Tusk.Runtime.Local;

namespace Tusk.Bench;

/// <summary>A throwaway PostgreSQL 15 at its default settings (fsync on) for the inventory benchmark: both sides of a comparison write to it in the same run.</summary>
public sealed class EnvPostgres : IAsyncDisposable
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    public const string Password = "benchpassword";
    private bool _started;

    public string Root { get; } = Directory.CreateTempSubdirectory("tusk-envbench-").FullName;
    public int Port { get; private set; }

    public static async Task<EnvPostgres> StartAsync()
    {
        var server = new EnvPostgres();
        try
        {
            await File.WriteAllTextAsync(Path.Combine(server.Root, "pw"), Password + "\n");
            await Shell.RunAsync("chown", ["-R", "postgres:postgres", server.Root]);
            await Shell.AsPostgresAsync($"{Bin}/initdb", "-D", $"{server.Root}/data", "-U", "postgres", $"--pwfile={server.Root}/pw", "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8");
            server.Port = PortAllocator.FreePort(new HashSet<int>());
            await Shell.AsPostgresAsync($"{Bin}/pg_ctl", "-D", $"{server.Root}/data", "-w", "-l", $"{server.Root}/log", "-o", string.Create(CultureInfo.InvariantCulture, $"-p {server.Port} -k {server.Root} -c listen_addresses=127.0.0.1 -c max_connections=100"), "start");
            server._started = true;
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Password = Password,
        Database = database,
        SslMode = SslMode.Disable,
        MaxPoolSize = 32,
    }.ConnectionString;

    /// <summary>libpq's variables for psql, so the password is in no process's arguments.</summary>
    public Dictionary<string, string> PsqlEnvironment(string database) => new()
    {
        ["PGHOST"] = "127.0.0.1",
        ["PGPORT"] = Port.ToString(CultureInfo.InvariantCulture),
        ["PGUSER"] = "postgres",
        ["PGPASSWORD"] = Password,
        ["PGDATABASE"] = database,
        ["PGSSLMODE"] = "disable",
    };

    public async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database) + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<long> ScalarAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database) + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_started)
        {
            await Shell.AsPostgresAsync($"{Bin}/pg_ctl", "-D", $"{Root}/data", "-w", "-m", "fast", "stop");
        }

        Directory.Delete(Root, recursive: true);
    }
}
