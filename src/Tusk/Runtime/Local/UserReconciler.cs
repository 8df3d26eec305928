using Npgsql;
using Tusk.Planning;
using Tusk.Security;

namespace Tusk.Runtime.Local;

/// <summary>
/// Creates the spec's roles and databases on the primary, idempotently. Passwords travel as
/// SCRAM verifiers computed here, so the plaintext never reaches the server or its log.
/// </summary>
public static class UserReconciler
{
    public static async Task ApplyAsync(NpgsqlConnection connection, IReadOnlyList<UserPlan> users, IReadOnlyDictionary<string, string> passwords, CancellationToken cancel)
    {
        foreach (var user in users)
        {
            var role = Quote(user.Name);
            if (!await ExistsAsync(connection, "SELECT 1 FROM pg_roles WHERE rolname = $1", user.Name, cancel))
            {
                await ExecuteAsync(connection, $"CREATE ROLE {role} LOGIN", cancel);
            }

            // Options were checked by RoleOptions (attributes only, no ';'); the verifier is base64 and '$'.
            var verifier = ScramVerifier.Compute(passwords[user.Name]);
            await ExecuteAsync(connection, $"ALTER ROLE {role} {user.Options} PASSWORD '{verifier}'", cancel);
            foreach (var database in user.Databases)
            {
                if (!await ExistsAsync(connection, "SELECT 1 FROM pg_database WHERE datname = $1", database, cancel))
                {
                    await ExecuteAsync(connection, $"CREATE DATABASE {Quote(database)} OWNER {role}", cancel);
                }

                await ExecuteAsync(connection, $"GRANT ALL PRIVILEGES ON DATABASE {Quote(database)} TO {role}", cancel);
            }
        }
    }

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, string sql, string value, CancellationToken cancel)
    {
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = value } } };
        return await command.ExecuteScalarAsync(cancel) is not null;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancel)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancel);
    }
}
