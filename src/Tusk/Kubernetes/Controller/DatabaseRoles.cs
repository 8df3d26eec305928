using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using Tusk.Kubernetes.Builders;
using Tusk.Planning;
using Tusk.Runtime.Local;

namespace Tusk.Kubernetes.Controller;

/// <summary>
/// What must exist inside PostgreSQL, not in Kubernetes: the spec's users and their databases,
/// and Tusk's own roles when their features are on (the exporter's tusk_monitor, PgBouncer's
/// lookup role and function). The operator connects to the primary pod as the superuser, over
/// TLS verified against the cluster's CA with scram-sha-256, the path Patroni's own members
/// take, and runs the same statements as the local agent (<see cref="UserReconciler"/>).
/// Once per change: what was applied is remembered per cluster UID (after a restart the
/// operator applies once more; every statement is idempotent).
/// </summary>
public sealed class DatabaseRoles
{
    private readonly ConcurrentDictionary<string, string> _applied = new(StringComparer.Ordinal);

    /// <summary>True when nothing is left to do for this request's users and roles.</summary>
    public bool IsApplied(BuildRequest r) => _applied.TryGetValue(r.Uid, out var done) && done == Fingerprint(r);

    /// <summary>Applies users and roles on the primary at <paramref name="address"/>; the sentence says what was done.</summary>
    public async Task<string> ApplyAsync(BuildRequest r, string address, CancellationToken cancel)
    {
        var fingerprint = Fingerprint(r);
        var ca = r.Certificates.CustomCa ?? r.Certificates.RootCa.CertificatePem;
        // The server certificate names the Services, not the pod's address: verify the CA, as Patroni's members do.
        Task<NpgsqlConnection> OpenAsync(string database, CancellationToken c) => PostgresConnections.OpenVerifiedAsync(new NpgsqlConnectionStringBuilder
        {
            Host = address,
            Port = r.Plan.Port,
            Username = ClusterPlan.Superuser,
            Password = r.Internal.Superuser,
            Database = database,
            Timeout = 3,
            CommandTimeout = 10,
            Pooling = false,
            ApplicationName = "tusk-operator",
        }, ca, c);

        var done = new List<string>();
        await using (var primary = await OpenAsync("postgres", cancel))
        {
            await UserReconciler.ApplyAsync(primary, r.Plan.Users, r.UserPasswords, cancel);
            if (r.Plan.Users.Count > 0)
            {
                done.Add($"users {string.Join(", ", r.Plan.Users.Select(u => u.Name))}");
            }

            if (r.Internal.Monitor is { } monitor)
            {
                await LocalExporters.EnsureRoleAsync(primary, monitor, cancel);
                done.Add(ClusterPlan.MonitorUser);
            }

            if (r.Internal.PgBouncer is { } pooler)
            {
                await LocalPooler.EnsureAuthAsync(primary, OpenAsync, PgBouncerAuth.Databases(r.Plan), pooler, cancel);
                done.Add($"{PgBouncerPlan.AuthUser} and its lookup function");
            }
        }

        _applied[r.Uid] = fingerprint;
        return done.Count == 0 ? "nothing to create in PostgreSQL" : $"created or updated in PostgreSQL: {string.Join("; ", done)}";
    }

    /// <summary>The ready primary's pod address, when there is one to connect to.</summary>
    public static string? PrimaryAddress(IReadOnlyList<JsonObject> pods, string? primary) =>
        primary is null ? null
            : pods.FirstOrDefault(p => p["metadata"]?["name"]?.GetValue<string>() == primary)?["status"]?["podIP"]?.GetValue<string>();

    /// <summary>Everything the statements depend on; a change to any of it means applying again.</summary>
    private static string Fingerprint(BuildRequest r)
    {
        var text = new StringBuilder();
        foreach (var user in r.Plan.Users)
        {
            text.Append(user.Name).Append('\0').Append(user.Options).Append('\0').AppendJoin(',', user.Databases).Append('\0')
                .Append(r.UserPasswords.GetValueOrDefault(user.Name)).Append('\n');
        }

        text.Append(r.Internal.Monitor).Append('\n').Append(r.Internal.PgBouncer).Append('\n').AppendJoin(',', PgBouncerAuth.Databases(r.Plan));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
