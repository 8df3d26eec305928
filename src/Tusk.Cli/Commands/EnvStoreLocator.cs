using Npgsql;
using Tusk.Environments;

namespace Tusk.Cli.Commands;

/// <summary>
/// Which database `tusk env` uses: --db, then TUSK_ENV_DB, then "db" in $TUSK_HOME/env.conf,
/// else the local cluster tusk-system (created on first use, and said so on stderr).
/// The store comes back with its schema brought to the latest version.
/// </summary>
public static class EnvStoreLocator
{
    public const string Variable = "TUSK_ENV_DB";

    public static string ConfigPath(CliContext context) => Path.Combine(context.Home.Root, EnvConfig.FileName);

    /// <summary>The store, or null after the reason was written to stderr.</summary>
    public static async Task<EnvironmentStore?> OpenAsync(CliContext context, string? db, CancellationToken cancel, bool migrate = true)
    {
        var config = EnvConfig.Default;
        var path = ConfigPath(context);
        if (File.Exists(path))
        {
            config = EnvConfig.Parse(await File.ReadAllTextAsync(path, cancel), out var problems);
            if (config is null)
            {
                foreach (var problem in problems)
                {
                    await context.Err.WriteLineAsync($"error: {Path.GetDirectoryName(path)}/{problem}");
                }

                return null;
            }
        }

        var connectionString = NonEmpty(db) ?? NonEmpty(Environment.GetEnvironmentVariable(Variable)) ?? NonEmpty(config.ConnectionString);
        var where = connectionString is null ? $"the local cluster {LocalInventory.ClusterName}" : Describe(connectionString);
        if (connectionString is null)
        {
            await context.Err.WriteLineAsync($"using the local inventory in cluster {LocalInventory.ClusterName} (set --db or {Variable} to use another database)");
            using var agent = await context.AgentAsync(cancel);
            if (agent is null)
            {
                return null;
            }

            (connectionString, var problem) = await LocalInventory.EnsureAsync(agent, TimeSpan.FromMinutes(2), cancel);
            if (connectionString is null)
            {
                await context.Err.WriteLineAsync($"error: {problem}");
                return null;
            }
        }

        EnvironmentStore store;
        try
        {
            store = EnvironmentStore.Open(connectionString, config.Pools);
        }
        catch (ArgumentException e)
        {
            await context.Err.WriteLineAsync($"error: the inventory's connection string is not valid: {e.Message}");
            return null;
        }

        try
        {
            var result = migrate ? await store.MigrateAsync(cancel) : null;
            if (result is { Applied.Count: > 0 })
            {
                await context.Err.WriteLineAsync(result.Describe());
            }

            return store;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            await store.DisposeAsync();
            await context.Err.WriteLineAsync($"error: cannot use the inventory database ({where}): {e.Message}");
            return null;
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>Host, port and database of a connection string, never its password.</summary>
    private static string Describe(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return $"{builder.Host}:{builder.Port}/{builder.Database}";
        }
        catch (ArgumentException)
        {
            return "the configured database";
        }
    }
}
