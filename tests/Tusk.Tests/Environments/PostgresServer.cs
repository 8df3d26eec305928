using System.Runtime.Versioning;
using Npgsql;
using Tusk.Runtime.Local;
using Tusk.Security;

namespace Tusk.Tests.Environments;

/// <summary>
/// A throwaway PostgreSQL 15 for one test class: initdb into a temporary directory, started on a
/// free loopback port, reached over TCP with a password. Each test gets its own database, owned
/// by an ordinary role (the inventory needs no superuser). Stopped and deleted on dispose, and
/// also when starting it fails half-way.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class PostgresServer : IAsyncLifetime
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    public const string Owner = "inventory_owner";

    private readonly string _password = PasswordGenerator.Generate(PasswordKind.AlphaNumeric);
    private bool _started;

    public string Root { get; } = Directory.CreateTempSubdirectory("tusk-env-pg-").FullName;
    public int Port { get; private set; }
    public string Data => Path.Combine(Root, "data");
    private string Log => Path.Combine(Root, "postgres.log");

    public async Task InitializeAsync()
    {
        try
        {
            var passwordFile = Path.Combine(Root, "pw");
            await File.WriteAllTextAsync(passwordFile, _password + "\n");
            if (Environment.IsPrivilegedProcess)
            {
                await ToolRunner.RunAsync("chown", "-R", "postgres:postgres", Root);
            }

            await AsPostgresAsync($"{Bin}/initdb", "-D", Data, "-U", "postgres", $"--pwfile={passwordFile}", "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync");
            Port = PortAllocator.FreePort(new HashSet<int>());
            await StartAsync();
            await using var connection = new NpgsqlConnection(ConnectionString("postgres", "postgres", _password, pooling: false));
            await connection.OpenAsync();
            await using var role = new NpgsqlCommand($"CREATE ROLE {Owner} LOGIN PASSWORD '{_password}'", connection);
            await role.ExecuteNonQueryAsync();
        }
        catch (Exception e)
        {
            var log = File.Exists(Log) ? await File.ReadAllTextAsync(Log) : "(no log)";
            await DisposeAsync();
            throw new InvalidOperationException($"the test PostgreSQL did not start: {e.Message}\n{log}", e);
        }
    }

    /// <summary>A new empty database owned by <see cref="Owner"/>; its connection string (as that owner).</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(ConnectionString("postgres", "postgres", _password, pooling: false));
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name} OWNER {Owner}", connection);
        await create.ExecuteNonQueryAsync();
        return ConnectionString(name, Owner, _password, pooling: true);
    }

    private string ConnectionString(string database, string user, string password, bool pooling) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Database = database,
        Username = user,
        Password = password,
        Pooling = pooling,
        MaxPoolSize = 64,
        Timeout = 10,
        SslMode = SslMode.Disable,
    }.ConnectionString;

    /// <summary>Starts the server (again, after <see cref="StopAsync"/>) and waits until it takes connections.</summary>
    public async Task StartAsync()
    {
        await AsPostgresAsync($"{Bin}/pg_ctl", "-D", Data, "-w", "-t", "60", "-l", Log, "-o",
            $"-p {Port} -k {Root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200", "start");
        _started = true;
    }

    /// <summary>Ends a standby's recovery (`pg_ctl promote`), waiting until it is a primary.</summary>
    public Task PromoteAsync() => AsPostgresAsync($"{Bin}/pg_ctl", "-D", Data, "-w", "-t", "60", "promote");

    /// <summary>Stops the server now with pg_ctl's <paramref name="mode"/> (fast: clean shutdown; immediate: like a crash), without waiting.</summary>
    public async Task StopAsync(string mode)
    {
        _started = false;
        await AsPostgresAsync($"{Bin}/pg_ctl", "-D", Data, "-W", "-m", mode, "stop");
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_started)
        {
            _started = false;
            try
            {
                await AsPostgresAsync($"{Bin}/pg_ctl", "-D", Data, "-w", "-t", "30", "-m", "fast", "stop");
            }
            catch (InvalidOperationException)
            {
                await AsPostgresAsync($"{Bin}/pg_ctl", "-D", Data, "-m", "immediate", "stop");
            }
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static Task<string> AsPostgresAsync(params string[] command) =>
        Environment.IsPrivilegedProcess
            ? ToolRunner.RunAsync("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--reset-env", .. command])
            : ToolRunner.RunAsync(command[0], command[1..]);
}
