namespace Tusk.Kubernetes.Builders;

/// <summary>
/// The names of the objects a cluster owns, as Crunchy PGO v5 names them, so its users find
/// their way: &lt;c&gt;-primary, &lt;c&gt;-replicas, &lt;c&gt;-pods, &lt;c&gt;-pguser-&lt;user&gt;,
/// &lt;c&gt;-cluster-cert, &lt;c&gt;-replication-cert, &lt;c&gt;-pgbackrest-config, &lt;c&gt;-repoN,
/// &lt;c&gt;-pgbouncer, &lt;c&gt;-instance (service account, role
/// and binding), &lt;c&gt;-set-&lt;set&gt; (disruption budget), and a StatefulSet
/// &lt;c&gt;-&lt;set&gt;-&lt;suffix&gt; per instance set.
/// </summary>
public static class ObjectNames
{
    /// <summary>One root CA per namespace, shared by the clusters there (PGO's pgo-root-cacert).</summary>
    public const string RootCa = "tusk-root-cacert";

    public static string Primary(string cluster) => $"{cluster}-primary";
    public static string Replicas(string cluster) => $"{cluster}-replicas";
    public static string Pods(string cluster) => $"{cluster}-pods";
    public static string UserSecret(string cluster, string user) => $"{cluster}-pguser-{user}";
    public static string ClusterCert(string cluster) => $"{cluster}-cluster-cert";
    public static string ReplicationCert(string cluster) => $"{cluster}-replication-cert";

    /// <summary>The passwords of Tusk's own roles (superuser, replication, rewind), which Patroni reads from its environment.</summary>
    public static string InternalSecret(string cluster) => $"{cluster}-internal";

    public static string PatroniConfig(string cluster) => $"{cluster}-config";

    /// <summary>pgbackrest.conf for every instance (PGO's name).</summary>
    public static string PgBackRestConfig(string cluster) => $"{cluster}-pgbackrest-config";

    /// <summary>A pgBackRest repository's volume claim, &lt;c&gt;-repo1 as PGO names it.</summary>
    public static string RepoVolume(string cluster, string repo) => $"{cluster}-{repo}";

    /// <summary>PgBouncer's Deployment, Service, ConfigMap and Secret.</summary>
    public static string PgBouncer(string cluster) => $"{cluster}-pgbouncer";
    public static string Instance(string cluster) => $"{cluster}-instance";

    /// <summary>The account backup Jobs run under (pods/exec on the cluster's pods), as PGO names it.</summary>
    public static string PgBackRest(string cluster) => $"{cluster}-pgbackrest";
    public static string DisruptionBudget(string cluster, string set) => $"{cluster}-set-{set}";

    /// <summary>Patroni's scope on Kubernetes: its leader and config ConfigMaps are &lt;scope&gt;-leader and &lt;scope&gt;-config.</summary>
    public static string PatroniScope(string cluster) => $"{cluster}-ha";

    /// <summary>
    /// &lt;c&gt;-&lt;set&gt;-&lt;suffix&gt;: the suffix is four characters derived from the cluster's UID
    /// and the set's name, so it is stable across reconciles (pure) yet differs when a cluster is
    /// deleted and created again under the same name, as PGO's random suffix does.
    /// </summary>
    public static string StatefulSet(string cluster, string set, string clusterUid) => $"{cluster}-{set}-{Suffix(clusterUid, set)}";

    public static string Suffix(string clusterUid, string set)
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{clusterUid}/{set}"));
        return string.Concat(hash.Take(4).Select(b => alphabet[b % alphabet.Length]));
    }
}
