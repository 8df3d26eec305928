namespace Tusk.Api;

/// <summary>
/// Defaults, written down in docs/resource.md. They follow Crunchy PGO where it has one
/// (ttl 30 s, loop_wait 10 s, a user named after the cluster when none is given).
/// </summary>
public static class ClusterDefaults
{
    public const string Namespace = "default";
    public const int PostgresVersion = 15;
    public const int Port = 5432;
    public const string InstanceSetName = "instance1";
    public const int Replicas = 1;
    public const int LeaderLeaseDurationSeconds = 30;
    public const int SyncPeriodSeconds = 10;
    public const string PasswordType = "AlphaNumeric";

    /// <summary>PgBouncer's own defaults (and PGO's): session pooling, 20 server connections per database and user, 100 clients.</summary>
    public const string PoolMode = "session";
    public const int DefaultPoolSize = 20;
    public const int MaxClientConn = 100;

    /// <summary>Fills every omitted field in place. Call only on a manifest that parsed without errors.</summary>
    public static PostgresCluster Apply(PostgresCluster cluster)
    {
        cluster.ApiVersion ??= ApiVersions.Tusk;
        cluster.Kind ??= ApiVersions.Kind;
        cluster.Metadata.Namespace ??= Namespace;
        var spec = cluster.Spec;
        spec.PostgresVersion ??= PostgresVersion;
        spec.Port ??= Port;
        spec.Shutdown ??= false;
        spec.Instances ??= [];
        if (spec.Instances.Count == 0)
        {
            spec.Instances.Add(new InstanceSet());
        }

        for (var i = 0; i < spec.Instances.Count; i++)
        {
            var set = spec.Instances[i];
            set.Name ??= spec.Instances.Count == 1 ? InstanceSetName : $"instance{i + 1}";
            set.Replicas ??= Replicas;
        }

        spec.Patroni ??= new PatroniSpec();
        spec.Patroni.LeaderLeaseDurationSeconds ??= LeaderLeaseDurationSeconds;
        spec.Patroni.SyncPeriodSeconds ??= SyncPeriodSeconds;
        spec.Patroni.SynchronousMode ??= false;
        spec.Patroni.DynamicConfiguration ??= new PatroniDynamicConfiguration();
        spec.Patroni.DynamicConfiguration.Postgresql ??= new PostgresqlDynamicConfiguration();
        spec.Patroni.DynamicConfiguration.Postgresql.Parameters ??= [];
        spec.Patroni.DynamicConfiguration.Postgresql.PgHba ??= [];

        spec.Users ??= [];
        if (spec.Users.Count == 0 && cluster.Metadata.Name is { } name && Validation.Dns1123.IsLabel(name))
        {
            // PGO's rule: with no users listed, one user and one database named after the cluster.
            // (Without a valid cluster name there is none to copy; validation reports the name once.)
            spec.Users.Add(new UserSpec { Name = name, Databases = [name] });
        }

        foreach (var user in spec.Users)
        {
            user.Databases ??= [];
            user.Options ??= "";
            user.Password ??= new PasswordSpec();
            user.Password.Type ??= PasswordType;
        }

        if (spec.Proxy?.PgBouncer is { } pgBouncer)
        {
            // The endpoints hold port and port + 1; the pooler takes the next.
            pgBouncer.Port ??= spec.Port + 2;
            pgBouncer.PoolMode ??= PoolMode;
            pgBouncer.DefaultPoolSize ??= DefaultPoolSize;
            pgBouncer.MaxClientConn ??= MaxClientConn;
            pgBouncer.Config ??= new PgBouncerConfiguration();
            pgBouncer.Config.Global ??= [];
        }

        return cluster;
    }
}
