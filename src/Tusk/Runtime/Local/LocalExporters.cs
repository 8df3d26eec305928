using Npgsql;
using Tusk.Planning;
using Tusk.Runtime.Local.Processes;
using Tusk.Security;

namespace Tusk.Runtime.Local;

/// <summary>
/// A postgres_exporter beside each member, reaching it over TLS verified against the cluster's
/// CA as the pg_monitor role. The password is read from a 0600 file (DATA_SOURCE_PASS_FILE); the
/// address and user are not secret, so they travel as environment variables set by env(1).
/// </summary>
public sealed class LocalExporters(ServiceAccount account, ProcessLauncher launcher, TimeProvider clock)
{
    private readonly Dictionary<string, SupervisedProcess> _processes = new(StringComparer.Ordinal);

    public void Prepare(LocalMember member, string password, string caFile)
    {
        if (member.ExporterPort is not { } port || _processes.ContainsKey(member.Name))
        {
            return;
        }

        account.WriteIfChanged(member.ExporterPasswordFile, password, Modes.PrivateFile);
        // An empty web configuration (plain HTTP on loopback); passing its path also names the
        // member's directory in the exporter's command line, where process checks look for it.
        account.WriteIfChanged(member.ExporterWebConfig, "# Written by Tusk: plain HTTP on 127.0.0.1\n{}\n", Modes.PublicFile);
        var dataSource = $"127.0.0.1:{member.PostgresPort}/postgres?sslmode=verify-full&sslrootcert={caFile}";
        _processes[member.Name] = new SupervisedProcess(
            new ProcessSpec(
                $"{member.Name}-exporter",
                "/usr/bin/env",
                [$"DATA_SOURCE_URI={dataSource}", $"DATA_SOURCE_USER={ClusterPlan.MonitorUser}", $"DATA_SOURCE_PASS_FILE={member.ExporterPasswordFile}",
                 "/usr/bin/prometheus-postgres-exporter", "--log.level=warn", $"--web.config.file={member.ExporterWebConfig}", $"--web.listen-address=127.0.0.1:{port}"],
                member.ExporterLog,
                member.ExporterPidFile,
                member.Directory),
            launcher,
            clock);
    }

    /// <summary>Keeps the exporters running; stops those of members that left, and all of them when monitoring is off.</summary>
    public async Task SuperviseAsync(bool enabled, IReadOnlyList<LocalMember> members, List<string> outcomes)
    {
        foreach (var (name, exporter) in _processes.Where(e => !enabled || members.All(m => m.Name != e.Key)).ToList())
        {
            await exporter.StopAsync(TimeSpan.FromSeconds(5));
            _processes.Remove(name);
            outcomes.Add($"stopped the exporter of {name}");
        }

        foreach (var exporter in _processes.Values)
        {
            if (exporter.Ensure() is { } started)
            {
                outcomes.Add(started);
            }
        }
    }

    /// <summary>Stops every exporter that runs; they start again on the next supervision.</summary>
    public async Task StopAllAsync()
    {
        foreach (var exporter in _processes.Values.Where(e => e.IsAlive || File.Exists(e.Spec.PidFile)))
        {
            await exporter.StopAsync(TimeSpan.FromSeconds(5));
        }
    }

    /// <summary>The exporters' role: login, member of pg_monitor, password sent as a SCRAM verifier.</summary>
    public static async Task EnsureRoleAsync(NpgsqlConnection connection, string password, CancellationToken cancel)
    {
        var role = UserReconciler.Quote(ClusterPlan.MonitorUser);
        await using var command = new NpgsqlCommand($"""
            DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{ClusterPlan.MonitorUser}') THEN CREATE ROLE {role} LOGIN; END IF;
            END $$;
            ALTER ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD '{ScramVerifier.Compute(password)}';
            GRANT pg_monitor TO {role};
            """, connection);
        await command.ExecuteNonQueryAsync(cancel);
    }
}
