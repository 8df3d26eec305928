using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tusk.Security;

/// <summary>
/// Checks a user-provided server certificate before any server uses it: PEM that parses, a key
/// that belongs to the certificate, a chain that verifies against the given CA, names that cover
/// what clients connect to, and dates that hold now. Pure: the PEM text comes in, sentences go out.
/// </summary>
public static class ServerCertificateCheck
{
    /// <summary>Problems by field ("certificate", "privateKey", "ca"); empty when the files can be used.</summary>
    public static List<(string Field, string Message)> Check(string certificatePem, string keyPem, string caPem, IReadOnlyList<string> hostNames, DateTimeOffset now)
    {
        var problems = new List<(string, string)>();
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(certificatePem);
        }
        catch (CryptographicException)
        {
            problems.Add(("certificate", "is not a PEM certificate (-----BEGIN CERTIFICATE-----)"));
            return problems;
        }

        using var _ = certificate;
        try
        {
            using var withKey = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            problems.Add(("privateKey", "is not the private key of the certificate (or not an unencrypted PEM key); give the key the certificate was issued for"));
        }

        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPem(caPem);
        }
        catch (CryptographicException)
        {
        }

        if (authorities.Count == 0)
        {
            problems.Add(("ca", "holds no PEM certificate; give the certificate of the CA that signed the server certificate"));
        }
        else
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationTime = now.UtcDateTime;
            chain.ChainPolicy.VerificationTimeIgnored = false;
            if (!chain.Build(certificate) && chain.ChainStatus.Any(s => s.Status is not X509ChainStatusFlags.NotTimeValid))
            {
                var why = string.Join("; ", chain.ChainStatus.Where(s => s.Status is not X509ChainStatusFlags.NotTimeValid).Select(s => s.StatusInformation.Trim()).Distinct());
                problems.Add(("ca", $"does not verify the certificate \"{certificate.Subject}\" ({why}); give the CA that issued it"));
            }
        }

        var uncovered = hostNames.Where(h => !certificate.MatchesHostname(h, allowWildcards: true, allowCommonName: false)).ToList();
        if (uncovered.Count > 0)
        {
            var alternativeNames = string.Join(", ", uncovered.Select(h => Uri.CheckHostName(h) is UriHostNameType.IPv4 or UriHostNameType.IPv6 ? $"IP:{h}" : $"DNS:{h}"));
            problems.Add(("certificate", $"does not cover {string.Join(" and ", uncovered)}, where clients connect; issue it with those names in subjectAltName ({alternativeNames})"));
        }

        if (certificate.NotAfter.ToUniversalTime() <= now.UtcDateTime)
        {
            problems.Add(("certificate", $"expired on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC; give a current certificate"));
        }
        else if (certificate.NotBefore.ToUniversalTime() > now.UtcDateTime)
        {
            problems.Add(("certificate", $"is not valid before {certificate.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm} UTC"));
        }

        return problems;
    }
}
