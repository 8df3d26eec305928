using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Tusk.Kubernetes.Builders;

/// <summary>
/// Secrets: per user &lt;c&gt;-pguser-&lt;user&gt; with the keys PGO users rely on (user, password,
/// dbname, host, port, uri, jdbc-uri, and pgbouncer-host, -port, -uri, -jdbc-uri when pooling is
/// on), the cluster's certificates, the namespace's root CA and
/// the internal passwords. Values are written as base64 "data", never "stringData", because
/// the server stores only "data": applying "stringData" would look changed on every cycle.
/// </summary>
public static class SecretBuilder
{
    public static IReadOnlyList<JsonObject> Build(BuildRequest r)
    {
        var secrets = r.Plan.Users.Select(u => User(r, u)).ToList();
        secrets.Add(Tls(r, ObjectNames.ClusterCert(r.Name), "cluster-cert", r.Certificates.Server));
        secrets.Add(Tls(r, ObjectNames.ReplicationCert(r.Name), "replication-cert", r.Certificates.Replication));
        secrets.Add(Secret(Meta.Owned(r, ObjectNames.InternalSecret(r.Name), Labels.For(r.Name, role: "internal")), Internal(r)));
        secrets.Add(RootCa(r));
        return secrets;
    }

    /// <summary>
    /// Passwords of Tusk's own roles. The exporter's and PgBouncer's lookup role's are there only
    /// while their feature is on, and the builders refuse to run without them then.
    /// </summary>
    private static Dictionary<string, string> Internal(BuildRequest r)
    {
        var values = new Dictionary<string, string>
        {
            ["superuser-password"] = r.Internal.Superuser,
            ["replication-password"] = r.Internal.Replication,
            ["rewind-password"] = r.Internal.Rewind,
            ["restapi-password"] = r.Internal.RestApi,
        };
        if (r.Plan.Exporter)
        {
            values[ExporterBuilder.PasswordKey] = r.Internal.Monitor
                ?? throw new ArgumentException($"no password for {Planning.ClusterPlan.MonitorUser} in the build request (InternalPasswords.Monitor) while spec.monitoring.exporter is set", nameof(r));
        }

        if (r.Plan.PgBouncer is not null && r.Internal.PgBouncer is { } pgBouncer)
        {
            values[PgBouncerPassword] = pgBouncer;
        }

        return values;
    }

    /// <summary>The key of PgBouncer's lookup role's password in the internal Secret (the controller reads it back from there).</summary>
    public const string PgBouncerPassword = "pgbouncer-password";

    /// <summary>
    /// The namespace's root CA. Shared by every cluster in the namespace, so it has no owner:
    /// deleting one cluster must not take the CA of the others with it.
    /// </summary>
    public static JsonObject RootCa(BuildRequest r) => RootCa(r.Namespace, r.Certificates.RootCa);

    public static JsonObject RootCa(string ns, Security.PemPair ca) => Secret(
        new JsonObject
        {
            ["name"] = ObjectNames.RootCa,
            ["namespace"] = ns,
            ["labels"] = new JsonObject { [Labels.ManagedBy] = "tusk", [Labels.Role] = "root-ca" },
        },
        new() { ["root.crt"] = ca.CertificatePem, ["root.key"] = ca.PrivateKeyPem });

    /// <summary>The host clients inside the cluster connect to: the primary Service's DNS name.</summary>
    public static string PrimaryHost(BuildRequest r) => $"{ObjectNames.Primary(r.Name)}.{r.Namespace}.svc";

    private static JsonObject User(BuildRequest r, Planning.UserPlan user)
    {
        if (!r.UserPasswords.TryGetValue(user.Name, out var password))
        {
            throw new ArgumentException($"no password for user \"{user.Name}\" in the build request", nameof(r));
        }

        var host = PrimaryHost(r);
        var port = r.Plan.Port.ToString(CultureInfo.InvariantCulture);
        var values = new Dictionary<string, string>
        {
            ["user"] = user.Name,
            ["password"] = password,
            ["host"] = host,
            ["port"] = port,
        };
        static string Escape(string s) => Uri.EscapeDataString(s);
        if (user.Databases.Count > 0)
        {
            var db = user.Databases[0];
            values["dbname"] = db;
            values["uri"] = $"postgresql://{Escape(user.Name)}:{Escape(password)}@{host}:{port}/{Escape(db)}";
            values["jdbc-uri"] = $"jdbc:postgresql://{host}:{port}/{Escape(db)}?password={Escape(password)}&user={Escape(user.Name)}";
        }
        else
        {
            values["uri"] = $"postgresql://{Escape(user.Name)}:{Escape(password)}@{host}:{port}";
            values["jdbc-uri"] = $"jdbc:postgresql://{host}:{port}/?password={Escape(password)}&user={Escape(user.Name)}";
        }

        if (r.Plan.PgBouncer is { } pooler)
        {
            // PGO's pgbouncer-* keys. Prepared statements do not survive transaction pooling, so
            // the JDBC URI turns the driver's server-side preparation off, as the local runtime does.
            var poolerHost = PgBouncerBuilder.Host(r);
            var poolerPort = pooler.Port.ToString(CultureInfo.InvariantCulture);
            var db = user.Databases.Count > 0 ? "/" + Escape(user.Databases[0]) : "";
            values["pgbouncer-host"] = poolerHost;
            values["pgbouncer-port"] = poolerPort;
            values["pgbouncer-uri"] = $"postgresql://{Escape(user.Name)}:{Escape(password)}@{poolerHost}:{poolerPort}{db}";
            values["pgbouncer-jdbc-uri"] = $"jdbc:postgresql://{poolerHost}:{poolerPort}{(db.Length > 0 ? db : "/")}?password={Escape(password)}&user={Escape(user.Name)}&prepareThreshold=0";
        }

        var labels = Labels.For(r.Name, role: Labels.RoleUser);
        labels["tusk.dev/pguser"] = user.Name;
        return Secret(Meta.Owned(r, ObjectNames.UserSecret(r.Name, user.Name), labels), values);
    }

    private static JsonObject Tls(BuildRequest r, string name, string role, Security.PemPair pair) =>
        Secret(Meta.Owned(r, name, Labels.For(r.Name, role: role)), new()
        {
            ["ca.crt"] = r.Certificates.CaBundle,
            ["tls.crt"] = pair.CertificatePem,
            ["tls.key"] = pair.PrivateKeyPem,
        });

    internal static JsonObject Secret(JsonObject metadata, Dictionary<string, string> values)
    {
        var secret = Meta.Object("v1", "Secret", metadata);
        secret["type"] = "Opaque";
        secret["data"] = new JsonObject(values.OrderBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => KeyValuePair.Create(v.Key, (JsonNode?)Convert.ToBase64String(Encoding.UTF8.GetBytes(v.Value)))));
        return secret;
    }
}
