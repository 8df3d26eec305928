using Npgsql;

namespace Tusk.Environments;

/// <summary>
/// Brings a database's inventory schema to a version. Safe to run from many processes at once:
/// a session advisory lock makes them take turns, and each one reads the version only once it
/// holds the lock. Each migration and its version row commit together or not at all.
/// </summary>
public static class SchemaMigrator
{
    /// <summary>An arbitrary constant ("tuskschm"), so Tusk's lock does not collide with an application's.</summary>
    private const long LockKey = 0x7475736b7363686d;

    public static async Task<MigrationResult> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancel, int? upTo = null)
    {
        var target = upTo ?? Migrations.Latest;
        await using var connection = await dataSource.OpenConnectionAsync(cancel);
        await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({LockKey})", cancel);
        try
        {
            await ExecuteAsync(connection, null, $"""
                CREATE SCHEMA IF NOT EXISTS {Migrations.Schema};
                CREATE TABLE IF NOT EXISTS {Migrations.Schema}.schema_migrations (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, cancel);
            var from = await VersionAsync(connection, cancel);
            var applied = new List<Migration>();
            foreach (var migration in Migrations.All.Where(m => m.Version > from && m.Version <= target))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancel);
                try
                {
                    await ExecuteAsync(connection, transaction, migration.Sql, cancel);
                }
                catch (PostgresException e)
                {
                    throw new InvalidOperationException($"migration {migration.Version} ({migration.Name}) failed and was rolled back: {e.MessageText}{(e.Detail is null ? "" : $" ({e.Detail})")}", e);
                }

                await using (var record = new NpgsqlCommand($"INSERT INTO {Migrations.Schema}.schema_migrations (version, name) VALUES ($1, $2)", connection, transaction))
                {
                    record.Parameters.Add(new NpgsqlParameter { Value = migration.Version });
                    record.Parameters.Add(new NpgsqlParameter { Value = migration.Name });
                    await record.ExecuteNonQueryAsync(cancel);
                }

                await transaction.CommitAsync(cancel);
                applied.Add(migration);
            }

            return new MigrationResult(from, applied.Count > 0 ? applied[^1].Version : from, applied);
        }
        finally
        {
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({LockKey})", CancellationToken.None);
        }
    }

    /// <summary>The schema's version: 0 when it was never created.</summary>
    public static async Task<int> VersionAsync(NpgsqlDataSource dataSource, CancellationToken cancel)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancel);
        return await VersionAsync(connection, cancel);
    }

    private static async Task<int> VersionAsync(NpgsqlConnection connection, CancellationToken cancel)
    {
        // Two statements: a query naming a table that does not exist fails at parse time, whatever its CASE says.
        await using (var exists = new NpgsqlCommand($"SELECT to_regclass('{Migrations.Schema}.schema_migrations') IS NOT NULL", connection))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(cancel))!)
            {
                return 0;
            }
        }

        await using var command = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {Migrations.Schema}.schema_migrations", connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancel), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancel)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancel);
    }
}
