using System.Security.Cryptography.X509Certificates;
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

    /// <param name="custom">The user's server certificate and CA (spec.customTLSSecret, already checked), used instead of issuing one.</param>
    public static async Task<(Dictionary<string, string> Users, InternalPasswords Internal, ClusterCertificates Certificates)> LoadOrCreateAsync(
        KubeClient client, ClusterPlan plan, TimeProvider clock, CancellationToken cancel, (PemPair Server, string Ca)? custom = null)
    {
        var ns = plan.Namespace;
        // Every read at once: one round trip to the API server instead of one per Secret.
        var userSecrets = plan.Users.Select(u => client.GetAsync(ApiResource.Secret, ns, ObjectNames.UserSecret(plan.Name, u.Name), cancel)).ToList();
        var internalRead = client.GetAsync(ApiResource.Secret, ns, ObjectNames.InternalSecret(plan.Name), cancel);
        var rootRead = client.GetAsync(ApiResource.Secret, ns, ObjectNames.RootCa, cancel);
        var serverRead = client.GetAsync(ApiResource.Secret, ns, ObjectNames.ClusterCert(plan.Name), cancel);
        var replicationRead = client.GetAsync(ApiResource.Secret, ns, ObjectNames.ReplicationCert(plan.Name), cancel);
        await Task.WhenAll([.. userSecrets, internalRead, rootRead, serverRead, replicationRead]);

        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (user, existing) in plan.Users.Zip(userSecrets))
        {
            users[user.Name] = Value(await existing, "password") ?? PasswordGenerator.Generate(user.PasswordType == "ASCII" ? PasswordKind.Ascii : PasswordKind.AlphaNumeric);
        }

        var internalSecret = await internalRead;
        var passwords = new InternalPasswords(
            Value(internalSecret, "superuser-password") ?? PasswordGenerator.Generate(PasswordKind.AlphaNumeric),
            Value(internalSecret, "replication-password") ?? PasswordGenerator.Generate(PasswordKind.AlphaNumeric),
            Value(internalSecret, "rewind-password") ?? PasswordGenerator.Generate(PasswordKind.AlphaNumeric),
            Value(internalSecret, "restapi-password") ?? PasswordGenerator.Generate(PasswordKind.AlphaNumeric),
            plan.Exporter ? Value(internalSecret, "monitor-password") ?? PasswordGenerator.Generate(PasswordKind.AlphaNumeric) : null,
            plan.PgBouncer is null ? null : Value(internalSecret, "pgbouncer-password") ?? PasswordGenerator.Generate(PasswordKind.AlphaNumeric));

        using var ca = await RootCaAsync(client, ns, await rootRead, clock, cancel);
        var root = ca.Export();

        // The Secrets' ca.crt is what the pods trust: with a certificate of the user's, their CA too.
        var trusted = ClusterCertificates.Bundle(root, custom?.Ca);
        var server = custom?.Server
            ?? Reuse(await serverRead, trusted, clock, ServerNames(plan))
            ?? ca.IssueServer(ObjectNames.Primary(plan.Name), ServerNames(plan), [], CertificateLifetime);
        var replication = Reuse(await replicationRead, trusted, clock)
            ?? ca.IssueClient(ClusterPlan.ReplicationUser, CertificateLifetime);
        return (users, passwords, new ClusterCertificates(root, server, replication, custom?.Ca));
    }

    /// <summary>
    /// The namespace's root CA. Two clusters reconciled at once in a new namespace would each make
    /// one; creating (not applying) the Secret lets exactly one win, and the other reads the winner's.
    /// </summary>
    private static async Task<CertificateAuthority> RootCaAsync(KubeClient client, string ns, JsonObject? secret, TimeProvider clock, CancellationToken cancel)
    {
        for (var attempt = 0; ; attempt++)
        {
            // The first look is the caller's read; after losing a race, read the winner's.
            secret = attempt == 0 ? secret : await client.GetAsync(ApiResource.Secret, ns, ObjectNames.RootCa, cancel);
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

    /// <summary>The names a certificate of the user's must cover: the Services clients dial with verify-full.</summary>
    public static IReadOnlyList<string> ClientNames(ClusterPlan plan) => [.. ClientServices(plan).Select(service => $"{service}.{plan.Namespace}.svc")];

    /// <summary>The Services clients connect to: the primary, the replicas, and the pooler when there is one.</summary>
    private static IEnumerable<string> ClientServices(ClusterPlan plan) =>
        plan.PgBouncer is null
            ? [ObjectNames.Primary(plan.Name), ObjectNames.Replicas(plan.Name)]
            : [ObjectNames.Primary(plan.Name), ObjectNames.Replicas(plan.Name), ObjectNames.PgBouncer(plan.Name)];

    /// <summary>
    /// Every name a client or peer dials: the Services in all their forms (the pooler's too, which
    /// serves clients with this certificate), and each pod under the headless Service.
    /// </summary>
    public static IEnumerable<string> ServerNames(ClusterPlan plan)
    {
        foreach (var service in ClientServices(plan).Append(ObjectNames.Pods(plan.Name)))
        {
            yield return service;
            yield return $"{service}.{plan.Namespace}";
            yield return $"{service}.{plan.Namespace}.svc";
            yield return $"{service}.{plan.Namespace}.svc.cluster.local";
        }

        yield return $"*.{ObjectNames.Pods(plan.Name)}.{plan.Namespace}.svc";
        yield return $"*.{ObjectNames.Pods(plan.Name)}.{plan.Namespace}.svc.cluster.local";
    }

    /// <param name="names">Names the certificate must cover; one that misses any (the pooler was turned on) is issued again.</param>
    /// <param name="trusted">The ca.crt the Secret must hold (the root CA, with the user's CA before it under spec.customTLSSecret).</param>
    private static PemPair? Reuse(JsonObject? secret, string trusted, TimeProvider clock, IEnumerable<string>? names = null)
    {
        // A certificate from another CA (the root was replaced) or near its end is issued again.
        if (Value(secret, "tls.crt") is { } cert && Value(secret, "tls.key") is { } key && Value(secret, "ca.crt") == trusted
            && !CertificateAuthority.NeedsRenewal(cert, clock, RenewBefore) && (names is null || Covers(cert, names)))
        {
            return new PemPair(cert, key);
        }

        return null;
    }

    private static bool Covers(string certificatePem, IEnumerable<string> names)
    {
        using var certificate = X509Certificate2.CreateFromPem(certificatePem);
        return names.Where(n => !n.StartsWith('*')).All(n => certificate.MatchesHostname(n, allowWildcards: true, allowCommonName: false));
    }

    private static string? Value(JsonObject? secret, string key) =>
        secret?["data"]?[key]?.GetValue<string>() is { } b64 ? Encoding.UTF8.GetString(Convert.FromBase64String(b64)) : null;
}
