using System.Text;
using System.Text.Json.Nodes;
using Tusk.Security;

namespace Tusk.Kubernetes.Controller;

/// <summary>
/// spec.customTLSSecret on Kubernetes (PGO's field): a Secret in the cluster's namespace holding
/// the server certificate, its key and the CA that issued it, under tls.crt, tls.key and ca.crt
/// (or under the keys its items map to those paths). Read and checked before any pod uses it:
/// the key matches, the chain verifies, the names cover the Services clients dial, the dates hold.
/// </summary>
public static class CustomTlsSecret
{
    public static string? Name(JsonNode? spec) => spec?["name"]?.GetValue<string>();

    /// <returns>The server's certificate and key and the user's CA; or, instead, what is wrong and what to do.</returns>
    public static (PemPair? Server, string? Ca, string? Problem) Read(string ns, JsonNode spec, JsonObject? secret, IReadOnlyList<string> hostNames, DateTimeOffset now)
    {
        var name = Name(spec);
        if (secret is null)
        {
            return (null, null, $"spec.customTLSSecret: there is no Secret {ns}/{name}; create it with tls.crt, tls.key and ca.crt (e.g. kubectl create secret generic {name} --from-file=tls.crt --from-file=tls.key --from-file=ca.crt)");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in new[] { "tls.crt", "tls.key", "ca.crt" })
        {
            // PGO's items: {key, path} projects the Secret's key onto the file name the server reads.
            var key = (spec["items"] as JsonArray)?.FirstOrDefault(i => i?["path"]?.GetValue<string>() == path)?["key"]?.GetValue<string>() ?? path;
            if (secret["data"]?[key]?.GetValue<string>() is not { } encoded)
            {
                return (null, null, $"spec.customTLSSecret: Secret {ns}/{name} has no key \"{key}\" ({path}); add it, or map another key to {path} with items");
            }

            values[path] = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
        }

        var problems = ServerCertificateCheck.Check(values["tls.crt"], values["tls.key"], values["ca.crt"], hostNames, now);
        return problems.Count > 0
            ? (null, null, $"spec.customTLSSecret: Secret {ns}/{name}: {string.Join("; ", problems.Select(p => $"{Field(p.Field)} {p.Message}"))}")
            : (new PemPair(values["tls.crt"], values["tls.key"]), values["ca.crt"], null);
    }

    private static string Field(string field) => field switch
    {
        "privateKey" => "tls.key",
        "ca" => "ca.crt",
        _ => "tls.crt",
    };
}
