using System.Data.Common;
using System.Text.Json.Nodes;
using Npgsql;

namespace Tusk.Environments;

/// <summary>
/// The inventory in PostgreSQL. Every rule is the database's: names, providers and port ranges
/// are CHECKs, a port has one owner through the primary key of tusk.environment_ports, subnets
/// never overlap through an exclusion constraint. "auto" values are picked and claimed by one
/// statement from the free lists, each entry locked with SKIP LOCKED so concurrent writers take
/// different values without waiting for each other; should two writers still pick the same value,
/// the constraint refuses one of them, which picks again (bounded, with jitter).
/// </summary>
public sealed class EnvironmentStore(NpgsqlDataSource dataSource, AllocationPools pools) : IAsyncDisposable
{
    /// <summary>
    /// An arbitrary constant ("tuskallo"): imports take turns on it, so a file imported twice at
    /// once is added by one and skipped by the other instead of failing on the other's rows.
    /// </summary>
    private const long ImportLockKey = 0x7475736b616c6c6f;

    public const int MaxAttempts = 64;

    /// <summary>How long one write waits for a lock before it gives up and tries again.</summary>
    private const string LockTimeout = "2s";

    public AllocationPools Pools { get; } = pools;

    private volatile bool _poolsRegistered;

    /// <summary>
    /// A store on a connection string. Its few statements are prepared on the server after
    /// their second use: an allocating add is then executed without being parsed and planned again.
    /// </summary>
    public static EnvironmentStore Open(string connectionString, AllocationPools? pools = null) =>
        new(NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 16, AutoPrepareMinUsages = 2 }.ConnectionString), pools ?? AllocationPools.Default);

    public Task<MigrationResult> MigrateAsync(CancellationToken cancel, int? upTo = null) => SchemaMigrator.MigrateAsync(dataSource, cancel, upTo);

    public async Task<EnvironmentOutcome> AddAsync(EnvironmentRequest request, CancellationToken cancel)
    {
        var problems = EnvironmentRules.Check(request, adding: true);
        return problems.Count > 0
            ? new EnvironmentOutcome(OutcomeKind.Invalid, null, problems)
            : await WriteAsync(request, adding: true, cancel);
    }

    public async Task<EnvironmentOutcome> SetAsync(EnvironmentRequest request, CancellationToken cancel)
    {
        var problems = EnvironmentRules.Check(request, adding: false);
        return problems.Count > 0
            ? new EnvironmentOutcome(OutcomeKind.Invalid, null, problems)
            : await WriteAsync(request, adding: false, cancel);
    }

    public async Task<EnvironmentOutcome> RemoveAsync(string name, CancellationToken cancel)
    {
        await using var command = dataSource.CreateCommand($"DELETE FROM tusk.environments WHERE name = $1 RETURNING {EnvironmentSql.Columns}");
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        await using var reader = await command.ExecuteReaderAsync(cancel);
        return await reader.ReadAsync(cancel)
            ? EnvironmentOutcome.Stored(Read(reader), 0)
            : EnvironmentOutcome.Refused(OutcomeKind.NotFound, ConflictMessages.NotFound(name));
    }

    public async Task<KubeEnvironment?> GetAsync(string name, CancellationToken cancel)
    {
        await using var command = dataSource.CreateCommand($"SELECT {EnvironmentSql.Columns} FROM tusk.environments WHERE name = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        await using var reader = await command.ExecuteReaderAsync(cancel);
        return await reader.ReadAsync(cancel) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<KubeEnvironment>> ListAsync(CancellationToken cancel)
    {
        await using var command = dataSource.CreateCommand($"SELECT {EnvironmentSql.Columns} FROM tusk.environments ORDER BY name");
        await using var reader = await command.ExecuteReaderAsync(cancel);
        var all = new List<KubeEnvironment>();
        while (await reader.ReadAsync(cancel))
        {
            all.Add(Read(reader));
        }

        return all;
    }

    /// <summary>
    /// Lists this store's pools in the database's free lists (once per pool and database;
    /// afterwards a lookup per process): "auto" searches those lists.
    /// </summary>
    private async Task RegisterPoolsAsync(CancellationToken cancel)
    {
        if (_poolsRegistered)
        {
            return;
        }

        await using var batch = dataSource.CreateBatch();
        var subnets = new NpgsqlBatchCommand("SELECT tusk.register_subnet_pool($1::text::cidr, $2)");
        subnets.Parameters.Add(new NpgsqlParameter { Value = Pools.Subnets.Network.ToString() });
        subnets.Parameters.Add(new NpgsqlParameter { Value = Pools.Subnets.PrefixLength });
        batch.BatchCommands.Add(subnets);
        foreach (var range in Pools.Ports.Values)
        {
            var ports = new NpgsqlBatchCommand("SELECT tusk.register_port_pool($1, $2)");
            ports.Parameters.Add(new NpgsqlParameter { Value = range.First });
            ports.Parameters.Add(new NpgsqlParameter { Value = range.Last });
            batch.BatchCommands.Add(ports);
        }

        await batch.ExecuteNonQueryAsync(cancel);
        _poolsRegistered = true;
    }

    private async Task<EnvironmentOutcome> WriteAsync(EnvironmentRequest request, bool adding, CancellationToken cancel)
    {
        await RegisterPoolsAsync(cancel);
        var statement = adding ? EnvironmentSql.Insert(request, Pools) : EnvironmentSql.Update(request, Pools);
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancel);
            try
            {
                // One round trip, one implicit transaction. Concurrent inserts checked by the
                // subnet exclusion constraint can end up waiting on each other without
                // PostgreSQL's deadlock detector stepping in; a bounded wait turns that into a retry.
                await using var batch = new NpgsqlBatch(connection);
                batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT set_config('lock_timeout', '{LockTimeout}', true)"));
                batch.BatchCommands.Add(Command(statement));
                await using var reader = await batch.ExecuteReaderAsync(cancel);
                await reader.NextResultAsync(cancel);

                if (await reader.ReadAsync(cancel))
                {
                    return EnvironmentOutcome.Stored(Read(reader), attempt - 1);
                }

                await reader.DisposeAsync();
                return await NothingWrittenAsync(connection, null, request, adding, cancel);
            }
            catch (PostgresException e) when (IsConflict(e))
            {
                var explanation = await ExplainAsync(connection, null, e, request, adding, cancel);
                if (explanation is not null)
                {
                    return EnvironmentOutcome.Refused(OutcomeKind.Conflict, explanation);
                }

                if (!request.AllocatesAnything || attempt >= MaxAttempts)
                {
                    return EnvironmentOutcome.Refused(OutcomeKind.Conflict, $"{(attempt >= MaxAttempts ? $"gave up after {attempt} attempts: " : "")}{e.MessageText}{(e.Detail is null ? "" : $" ({e.Detail})")}");
                }

                // The value picked was taken: by a writer that committed meanwhile (its triggers
                // have already removed it from the free list), or the list held a stale entry.
                await using var prune = new NpgsqlCommand(EnvironmentSql.PruneFreeLists, connection);
                await prune.ExecuteNonQueryAsync(cancel);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable && attempt < MaxAttempts)
            {
                // Two writers waiting on each other's new rows: one was aborted, and simply tries again.
            }

            // Another writer claimed the value this one picked; pick again after a short random
            // pause so the losers of one race do not all collide again.
            await Task.Delay(Random.Shared.Next(0, Math.Min(50, 2 * attempt) + 1), cancel);
        }
    }

    private static bool IsConflict(PostgresException e) =>
        e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.ExclusionViolation;

    /// <summary>No row came back: a set's name is unknown, or an auto value found its pool empty.</summary>
    private async Task<EnvironmentOutcome> NothingWrittenAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, EnvironmentRequest request, bool adding, CancellationToken cancel)
    {
        if (!adding)
        {
            await using var exists = new NpgsqlCommand("SELECT 1 FROM tusk.environments WHERE name = $1", connection, transaction);
            exists.Parameters.Add(new NpgsqlParameter { Value = request.Name });
            if (await exists.ExecuteScalarAsync(cancel) is null)
            {
                return EnvironmentOutcome.Refused(OutcomeKind.NotFound, ConflictMessages.NotFound(request.Name));
            }
        }

        await using var preview = Command(EnvironmentSql.Preview(request, Pools, adding), connection, transaction);
        await using var reader = await preview.ExecuteReaderAsync(cancel);
        await reader.ReadAsync(cancel);
        var empty = new List<string>();
        for (var i = 0; i < reader.FieldCount; i++)
        {
            var column = reader.GetName(i);
            var requested = column == "subnet" ? request.Subnet : PortColumns.All.Contains(column) ? request.PortRequest(column) : ValueRequest.Unchanged;
            if (requested.Kind == RequestKind.Auto && reader.IsDBNull(i))
            {
                empty.Add(ConflictMessages.PoolExhausted(column, column == "subnet" ? Pools.Subnets.ToString() : Pools.Port(column).ToString()));
            }
        }

        return EnvironmentOutcome.Refused(OutcomeKind.PoolExhausted, empty.Count > 0 ? [.. empty] : ["a pool is empty"]);
    }

    /// <summary>
    /// Who holds what this request asked for by value, as a sentence; null when no given value
    /// is held (then the conflict was on an auto value: another writer was faster).
    /// </summary>
    private static async Task<string?> ExplainAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, PostgresException e, EnvironmentRequest request, bool adding, CancellationToken cancel)
    {
        if (e.ConstraintName == "environments_pkey" && adding)
        {
            return ConflictMessages.AlreadyExists(request.Name);
        }

        if (e.SqlState == PostgresErrorCodes.ExclusionViolation)
        {
            if (request.Subnet.Kind != RequestKind.Exact)
            {
                return null;
            }

            await using var overlap = new NpgsqlCommand("SELECT name, subnet::text FROM tusk.environments WHERE subnet && $1::text::cidr AND name <> $2 ORDER BY name LIMIT 1", connection, transaction);
            overlap.Parameters.Add(new NpgsqlParameter { Value = request.Subnet.Exact! });
            overlap.Parameters.Add(new NpgsqlParameter { Value = request.Name });
            await using var reader = await overlap.ExecuteReaderAsync(cancel);
            return await reader.ReadAsync(cancel) ? ConflictMessages.SubnetOverlaps(request.Subnet.Exact!, reader.GetString(1), reader.GetString(0)) : null;
        }

        foreach (var (column, port) in request.ExactPorts())
        {
            await using var holder = new NpgsqlCommand("SELECT environment, kind FROM tusk.environment_ports WHERE port = $1 AND NOT (environment = $2 AND kind = $3)", connection, transaction);
            holder.Parameters.Add(new NpgsqlParameter { Value = port });
            holder.Parameters.Add(new NpgsqlParameter { Value = request.Name });
            holder.Parameters.Add(new NpgsqlParameter { Value = column });
            await using var reader = await holder.ExecuteReaderAsync(cancel);
            if (await reader.ReadAsync(cancel))
            {
                return ConflictMessages.PortHeld(column, port, reader.GetString(0), reader.GetString(1));
            }
        }

        return null;
    }

    /// <summary>
    /// Imports parsed CSV lines in one transaction, each line behind a savepoint so every failing
    /// line is reported; if any fails, the whole file is rolled back.
    /// </summary>
    public async Task<ImportReport> ImportAsync(IReadOnlyList<CsvEnvironment> rows, ImportOptions options, CancellationToken cancel)
    {
        await RegisterPoolsAsync(cancel);
        await using var connection = await dataSource.OpenConnectionAsync(cancel);
        await using var transaction = await connection.BeginTransactionAsync(cancel);
        await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({ImportLockKey})", connection, transaction))
        {
            await lockCommand.ExecuteNonQueryAsync(cancel);
        }

        var lines = new List<ImportLine>();
        foreach (var row in rows)
        {
            lines.Add(await ImportLineAsync(connection, transaction, row, options, cancel));
        }

        var committed = lines.All(l => l.Result != ImportResult.Failed);
        if (committed)
        {
            await transaction.CommitAsync(cancel);
        }
        else
        {
            await transaction.RollbackAsync(cancel);
        }

        return new ImportReport(lines, committed);
    }

    private async Task<ImportLine> ImportLineAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CsvEnvironment row, ImportOptions options, CancellationToken cancel)
    {
        var request = row.Request;
        if (request.Name == ImportOptions.DevopsName && !options.IncludeDevops)
        {
            return new ImportLine(row.Line, request.Name, ImportResult.Skipped, "the devops management cluster (add --include-devops to import it)");
        }

        KubeEnvironment? existing;
        await using (var select = new NpgsqlCommand($"SELECT {EnvironmentSql.Columns} FROM tusk.environments WHERE name = $1 FOR UPDATE", connection, transaction))
        {
            select.Parameters.Add(new NpgsqlParameter { Value = request.Name });
            await using var reader = await select.ExecuteReaderAsync(cancel);
            existing = await reader.ReadAsync(cancel) ? Read(reader) : null;
        }

        if (existing is not null)
        {
            if (!options.Update)
            {
                return new ImportLine(row.Line, request.Name, ImportResult.Skipped, "already in the inventory (add --update to overwrite it)");
            }

            request = ForUpdate(request, existing);
            if (Same(request, existing))
            {
                return new ImportLine(row.Line, request.Name, ImportResult.Skipped, "unchanged");
            }
        }

        var adding = existing is null;
        await transaction.SaveAsync("line", cancel);
        try
        {
            await using var write = Command(adding ? EnvironmentSql.Insert(request, Pools) : EnvironmentSql.Update(request, Pools), connection, transaction);
            await using var reader = await write.ExecuteReaderAsync(cancel);
            var written = await reader.ReadAsync(cancel);
            await reader.DisposeAsync();
            if (!written)
            {
                var outcome = await NothingWrittenAsync(connection, transaction, request, adding, cancel);
                return new ImportLine(row.Line, request.Name, ImportResult.Failed, string.Join("; ", outcome.Problems));
            }

            await transaction.ReleaseAsync("line", cancel);
            return new ImportLine(row.Line, request.Name, adding ? ImportResult.Added : ImportResult.Updated);
        }
        catch (PostgresException e) when (IsConflict(e) || e.SqlState == PostgresErrorCodes.CheckViolation)
        {
            await transaction.RollbackAsync("line", cancel);
            var reason = IsConflict(e) ? await ExplainAsync(connection, transaction, e, request, adding, cancel) : null;
            return new ImportLine(row.Line, request.Name, ImportResult.Failed, reason ?? e.MessageText);
        }
    }

    /// <summary>An update from a CSV line keeps a value the line asks to allocate: "auto" means "any free value", and the current one is.</summary>
    private static EnvironmentRequest ForUpdate(EnvironmentRequest request, KubeEnvironment existing) => request with
    {
        Subnet = request.Subnet.Kind == RequestKind.Auto && existing.Subnet is not null ? ValueRequest.Unchanged : request.Subnet,
        Ports = PortColumns.All.ToDictionary(c => c, c => request.PortRequest(c).Kind == RequestKind.Auto && existing.Port(c) is not null ? ValueRequest.Unchanged : request.PortRequest(c)),
    };

    private static bool Same(EnvironmentRequest request, KubeEnvironment existing) =>
        (request.Provider ?? existing.Provider) == existing.Provider
        && Same(request.Subnet, existing.Subnet)
        && PortColumns.All.All(c => Same(request.PortRequest(c), existing.Port(c)?.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static bool Same(ValueRequest request, string? current) => request.Kind switch
    {
        RequestKind.Unchanged => true,
        RequestKind.Empty => current is null,
        RequestKind.Exact => request.Exact == current,
        _ => false,
    };

    private static NpgsqlBatchCommand Command(SqlStatement statement)
    {
        var command = new NpgsqlBatchCommand(statement.Text);
        foreach (var value in statement.Parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }

    private static NpgsqlCommand Command(SqlStatement statement, NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        var command = new NpgsqlCommand(statement.Text, connection, transaction);
        foreach (var value in statement.Parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }

    private static KubeEnvironment Read(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.IsDBNull(2) ? null : reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetInt32(3),
        reader.IsDBNull(4) ? null : reader.GetInt32(4),
        reader.IsDBNull(5) ? null : reader.GetInt32(5),
        reader.IsDBNull(6) ? null : reader.GetInt32(6),
        Labels(reader.GetString(7)),
        reader.GetFieldValue<DateTimeOffset>(8),
        reader.GetFieldValue<DateTimeOffset>(9));

    /// <summary>Labels as strings, even when someone stored a number or a list through SQL.</summary>
    private static Dictionary<string, string> Labels(string json) =>
        (JsonNode.Parse(json) as JsonObject ?? [])
            .ToDictionary(p => p.Key, p => p.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : p.Value?.ToJsonString() ?? "");

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
