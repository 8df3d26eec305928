using System.Text;
using System.Text.Json.Nodes;
using Tusk.Kubernetes.Builders;
using Tusk.Kubernetes.Client;
using Tusk.Planning;
using Tusk.Security;

namespace Tusk.Kubernetes.Controller;

/// <summary>
/// The secret inputs of the builders, read back from the cluster's Secrets when they exist and
/// generated (CSPRNG passwords, certificates from the namespace's root CA) when they do not, so
/// a password never changes once issued and a certificate only when it nears expiry.
/// </summary>
public static class SecretMaterial
{
    public static readonly TimeSpan CertificateLifetime = TimeSpan.FromDays(365);
    public static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    public static async Task<(Dictionary<string, string> Users, InternalPasswords Internal, ClusterCertificates Certificates)> LoadOrCreateAsync(
        KubeClient client, ClusterPlan plan, TimeProvider clock, CancellationToken cancel)
    {
        var ns = plan.Namespace;
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var user in plan.Users)
        {
            var existing = await client.GetAsync(ApiResource.Secret, ns, ObjectNames.UserSecret(plan.Name, user.Name), cancel);
            users[user.Name] = Value(existing, "password") ?? PasswordGenerator.Generate(user.PasswordType == "ASCII" ? PasswordKind.Ascii : PasswordKind.AlphaNumeric);
        }

        var internalSecret = await client.GetAsync(ApiResource.Secret, ns, ObjectNames.InternalSecret(plan.Name), cancel);
        var passwords = new InternalPasswords(
            Value(internalSecret, "superuser-password") ?? PasswordGenerator.Generate(PasswordKind.AlphaNumeric),
            Value(internalSecret, "replication-password") ?? PasswordGenerator.Generate(PasswordKind.AlphaNumeric),
            Value(internalSecret, "rewind-password") ?? PasswordGenerator.Generate(PasswordKind.AlphaNumeric),
            plan.Exporter ? Value(internalSecret, "monitor-password") ?? PasswordGenerator.Generate(PasswordKind.AlphaNumeric) : null,
            plan.PgBouncer is null ? null : Value(internalSecret, "pgbouncer-password") ?? PasswordGenerator.Generate(PasswordKind.AlphaNumeric));

        using var ca = await RootCaAsync(client, ns, clock, cancel);
        var root = ca.Export();

        var server = await ReuseOrIssueAsync(client, ns, ObjectNames.ClusterCert(plan.Name), root, clock, cancel)
            ?? ca.IssueServer(ObjectNames.Primary(plan.Name), ServerNames(plan), [], CertificateLifetime);
        var replication = await ReuseOrIssueAsync(client, ns, ObjectNames.ReplicationCert(plan.Name), root, clock, cancel)
            ?? ca.IssueClient(ClusterPlan.ReplicationUser, CertificateLifetime);
        return (users, passwords, new ClusterCertificates(root, server, replication));
    }

    /// <summary>
    /// The namespace's root CA. Two clusters reconciled at once in a new namespace would each make
    /// one; creating (not applying) the Secret lets exactly one win, and the other reads the winner's.
    /// </summary>
    private static async Task<CertificateAuthority> RootCaAsync(KubeClient client, string ns, TimeProvider clock, CancellationToken cancel)
    {
        for (var attempt = 0; ; attempt++)
        {
            var secret = await client.GetAsync(ApiResource.Secret, ns, ObjectNames.RootCa, cancel);
            if (Value(secret, "root.crt") is { } cert && Value(secret, "root.key") is { } key)
            {
                return CertificateAuthority.Load(cert, key, clock);
            }

            var ca = CertificateAuthority.Create($"tusk root CA ({ns})", clock);
            var pair = ca.Export();
            try
            {
                await client.CreateAsync(ApiResource.Secret, ns, SecretBuilder.RootCa(ns, pair), cancel);
                return ca;
            }
            catch (KubeApiException e) when (e.IsConflict && attempt < 3)
            {
                // Another worker created it first: use that one.
                ca.Dispose();
            }
            catch
            {
                ca.Dispose();
                throw;
            }
        }
    }

    /// <summary>Every name a client or peer dials: the Services in all their forms, and each pod under the headless Service.</summary>
    public static IEnumerable<string> ServerNames(ClusterPlan plan)
    {
        foreach (var service in new[] { ObjectNames.Primary(plan.Name), ObjectNames.Replicas(plan.Name), ObjectNames.Pods(plan.Name) })
        {
            yield return service;
            yield return $"{service}.{plan.Namespace}";
            yield return $"{service}.{plan.Namespace}.svc";
            yield return $"{service}.{plan.Namespace}.svc.cluster.local";
        }

        yield return $"*.{ObjectNames.Pods(plan.Name)}.{plan.Namespace}.svc";
        yield return $"*.{ObjectNames.Pods(plan.Name)}.{plan.Namespace}.svc.cluster.local";
    }

    private static async Task<PemPair?> ReuseOrIssueAsync(KubeClient client, string ns, string name, PemPair root, TimeProvider clock, CancellationToken cancel)
    {
        var secret = await client.GetAsync(ApiResource.Secret, ns, name, cancel);
        // A certificate from another CA (the root was replaced) or near its end is issued again.
        if (Value(secret, "tls.crt") is { } cert && Value(secret, "tls.key") is { } key && Value(secret, "ca.crt") == root.CertificatePem
            && !CertificateAuthority.NeedsRenewal(cert, clock, RenewBefore))
        {
            return new PemPair(cert, key);
        }

        return null;
    }

    private static string? Value(JsonObject? secret, string key) =>
        secret?["data"]?[key]?.GetValue<string>() is { } b64 ? Encoding.UTF8.GetString(Convert.FromBase64String(b64)) : null;
}
