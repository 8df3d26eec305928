namespace Tusk.Planning;

/// <summary>
/// pg_hba rules, in the order PostgreSQL reads them: Tusk's own roles first (so a user rule can
/// never lock Patroni out), then the user's rules, then TLS with scram-sha-256 for everyone,
/// and every connection without TLS rejected.
/// </summary>
public static class PgHbaPlanner
{
    /// <param name="networks">Where clients connect from: loopback locally, the pod network on Kubernetes.</param>
    public static IReadOnlyList<string> Plan(ClusterPlan plan, IReadOnlyList<string> networks)
    {
        var rules = new List<string>
        {
            $"local all {ClusterPlan.Superuser} peer map=tusk",
        };
        foreach (var network in networks)
        {
            rules.Add($"hostssl replication {ClusterPlan.ReplicationUser} {network} scram-sha-256");
            rules.Add($"hostssl all {ClusterPlan.Superuser},{ClusterPlan.RewindUser} {network} scram-sha-256");
        }

        rules.Add($"local all {ClusterPlan.ReplicationUser},{ClusterPlan.RewindUser} reject");
        rules.AddRange(plan.UserPgHba);
        foreach (var network in networks)
        {
            rules.Add($"hostssl all all {network} scram-sha-256");
        }

        rules.Add("hostnossl all all all reject");
        rules.Add("local all all reject");
        return rules;
    }

    /// <summary>pg_ident: only the OS account the servers run as maps to the superuser over the private socket.</summary>
    public static IReadOnlyList<string> Ident(string serviceOsUser) => [$"tusk {serviceOsUser} {ClusterPlan.Superuser}"];
}
