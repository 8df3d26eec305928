using Npgsql;
using Tusk.Planning;
using Tusk.Runtime.Local.Processes;
using Tusk.Security;

namespace Tusk.Runtime.Local;

/// <summary>
/// The cluster's PgBouncer: its files (certificate, auth_file, configuration), its process, its
/// reloads, and the password lookup it needs in the databases. It reaches the primary through
/// HAProxy's primary endpoint, which follows a switchover or failover by itself (measured: a
/// smaller write gap than re-pointing PgBouncer at each new leader).
/// </summary>
public sealed class LocalPooler(ClusterDirectory directory, CertificateStore certificates, ServiceAccount account, ProcessLauncher launcher, TimeProvider clock)
{
    private SupervisedProcess? _process;

    /// <summary>Writes the files; true when something changed that a running PgBouncer must reload.</summary>
    public bool Prepare(ClusterPlan plan, PgBouncerPlan pooler, ClusterSecrets secrets, CertificateAuthority ca)
    {
        account.Directory(directory.PgBouncer);
        var certificateChanged = plan.CustomTls is { } custom
            ? certificates.InstallCustom(custom, directory.PgBouncerTls)
            : certificates.EnsureServerCertificate(ca, $"{plan.Name}-pgbouncer", directory.PgBouncerTls);
        var authChanged = account.WriteIfChanged(directory.PgBouncerAuthFile, PgBouncerConfigBuilder.AuthFile(secrets.PgBouncer), Modes.PrivateFile);
        var tls = directory.PgBouncerTls;
        var config = PgBouncerConfigBuilder.Build(pooler, "127.0.0.1", "127.0.0.1", plan.Port, directory.PgBouncerAuthFile, Path.Combine(tls, "server.crt"), Path.Combine(tls, "server.key"), Path.Combine(tls, "ca.crt"));
        var configChanged = account.WriteIfChanged(directory.PgBouncerConfig, config, Modes.PrivateFile);
        _process ??= new SupervisedProcess(
            new ProcessSpec("pgbouncer", "/usr/sbin/pgbouncer", [directory.PgBouncerConfig], directory.PgBouncerLog, directory.PgBouncerPid, directory.PgBouncer),
            launcher,
            clock);
        return configChanged | certificateChanged | authChanged;
    }

    /// <summary>Keeps PgBouncer running and reloads it (SIGHUP) after a change, unless it was just started and read the new files anyway.</summary>
    public void Supervise(bool changed, List<string> outcomes)
    {
        if (_process is null)
        {
            return;
        }

        if (_process.Ensure() is { } started)
        {
            outcomes.Add(started);
        }

        if (changed && !_process.JustLaunched && _process.Pid is { } pid && _process.IsAlive)
        {
            ProcessProbe.Signal(pid, Native.SigHup);
            outcomes.Add("reloaded PgBouncer because its configuration or certificate changed");
        }
    }

    /// <summary>Stops PgBouncer if it runs; with <paramref name="forget"/> (the spec no longer has a pooler) it is not started again.</summary>
    public async Task StopAsync(List<string>? outcomes, bool forget)
    {
        if (_process is not null && (_process.IsAlive || File.Exists(directory.PgBouncerPid)))
        {
            await _process.StopAsync(TimeSpan.FromSeconds(5));
            outcomes?.Add("stopped PgBouncer");
        }

        if (forget)
        {
            _process = null;
        }
    }

    /// <summary>The lookup role, and the lookup function in each database (PgBouncer 1.18 runs auth_query in the client's database).</summary>
    public static async Task EnsureAuthAsync(NpgsqlConnection primary, Func<string, CancellationToken, Task<NpgsqlConnection>> openDatabase, IEnumerable<string> databases, string password, CancellationToken cancel)
    {
        await PgBouncerAuth.EnsureRoleAsync(primary, password, cancel);
        foreach (var database in databases)
        {
            await using var target = await openDatabase(database, cancel);
            await PgBouncerAuth.EnsureFunctionAsync(target, cancel);
        }
    }
}
