using System.Globalization;
using Npgsql;
using Tusk.Api;
using Tusk.Runtime.Local;
using Tusk.Runtime.Local.Agent;

namespace Tusk.Environments;

/// <summary>
/// The inventory's home when no database is configured: a one-instance Tusk cluster
/// "tusk-system" run by the local agent, with a user inventory owning the database inventory (names starting with "tusk-" are reserved for Tusk's own roles).
/// Created on first use; afterwards found by name and reused.
/// </summary>
public static class LocalInventory
{
    public const string ClusterName = "tusk-system";
    public const string Namespace = ClusterDefaults.Namespace;
    public const string User = "inventory";
    public const string Database = "inventory";

    public static string Manifest(int port) => string.Create(CultureInfo.InvariantCulture, $"""
        # The local inventory of `tusk env`; created by tusk on first use.
        apiVersion: {ApiVersions.Tusk}
        kind: {ApiVersions.Kind}
        metadata:
          name: {ClusterName}
          namespace: {Namespace}
        spec:
          postgresVersion: {ClusterDefaults.PostgresVersion}
          port: {port}
          instances:
            - name: {ClusterDefaults.InstanceSetName}
              replicas: 1
          users:
            - name: {User}
              databases: [{Database}]
        """);

    /// <summary>Creates the cluster unless it exists, waits until it is ready, and returns a connection string; or null and the reason.</summary>
    public static async Task<(string? ConnectionString, string? Problem)> EnsureAsync(AgentClient agent, TimeSpan timeout, CancellationToken cancel)
    {
        var cluster = await agent.GetAsync(Namespace, ClusterName, cancel);
        if (cluster is null)
        {
            var response = await agent.ApplyAsync(new ApplyRequest($"({ClusterName})", Manifest(FreePortPair()), DryRun: false), cancel);
            if (!response.Ok)
            {
                return (null, $"could not create the local inventory cluster {ClusterName}: {string.Join("; ", response.Errors)}");
            }
        }

        var deadline = DateTime.UtcNow + timeout;
        while (cluster?.Status?.Phase != ClusterPhases.Ready)
        {
            if (DateTime.UtcNow > deadline)
            {
                return (null, $"the local inventory cluster {ClusterName} is not ready after {timeout.TotalSeconds:0}s (phase {cluster?.Status?.Phase ?? ClusterPhases.Pending}); see `tusk describe cluster {ClusterName}`");
            }

            await Task.Delay(200, cancel);
            cluster = await agent.GetAsync(Namespace, ClusterName, cancel);
        }

        var password = new SecretStore(new ClusterDirectory(agent.Home.ClusterDirectory(Namespace, ClusterName))).ReadUser(User);
        if (password is null)
        {
            return (null, $"the password of {User} in cluster {ClusterName} has not been generated");
        }

        return (new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = cluster.Spec.Port!.Value,
            Username = User,
            Password = password,
            Database = Database,
            SslMode = SslMode.VerifyFull,
            RootCertificate = agent.Home.CaCertificate,
            ApplicationName = "tusk-env",
        }.ConnectionString, null);
    }

    /// <summary>Two consecutive free loopback ports: the cluster's primary and replicas endpoints.</summary>
    private static int FreePortPair()
    {
        var taken = new HashSet<int>();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = PortAllocator.FreePort(taken);
            if (port < 65535 && PortAllocator.IsFree(port + 1))
            {
                return port;
            }
        }

        throw new InvalidOperationException("no two consecutive free TCP ports on 127.0.0.1");
    }
}
