using System.Text;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Tusk.Kubernetes.Client;

/// <summary>
/// Where an API server is and how to authenticate to it: what a kubeconfig context or a pod's
/// service account amounts to. PEM material is held as text (never written to process
/// arguments); <see cref="ToString"/> redacts it.
/// </summary>
public sealed record KubeConfig(Uri Server, string? CaPem, string? ClientCertificatePem, string? ClientKeyPem, string? Token, string Namespace, bool InsecureSkipTlsVerify = false)
{
    public const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    public override string ToString() =>
        $"KubeConfig {{ Server = {Server}, Namespace = {Namespace}, ClientCertificate = {ClientCertificatePem is not null}, Token = {(Token is null ? "none" : "<redacted>")}, InsecureSkipTlsVerify = {InsecureSkipTlsVerify} }}";

    /// <summary>
    /// Reads a kubeconfig file (the path given, else $KUBECONFIG's first entry, else ~/.kube/config)
    /// and resolves a context (the one named, else current-context). Files it names
    /// (certificate-authority, client-certificate, client-key, tokenFile) are resolved relative to
    /// the kubeconfig's directory, as kubectl does.
    /// </summary>
    /// <exception cref="KubeConfigException">the file or a referenced entry is missing or malformed; the message says which.</exception>
    public static KubeConfig FromKubeconfig(string? path = null, string? context = null)
    {
        path ??= DefaultKubeconfigPath();
        if (!File.Exists(path))
        {
            throw new KubeConfigException($"{path}: no kubeconfig file there; pass --kubeconfig or set KUBECONFIG");
        }

        var root = ReadYaml(path);
        var contextName = context ?? root["current-context"]?.GetValue<string>();
        if (string.IsNullOrEmpty(contextName))
        {
            throw new KubeConfigException($"{path}: no current-context is set; pass --context or run `kubectl config use-context <name>`");
        }

        var ctx = Named(root, "contexts", "context", contextName, path);
        var clusterName = ctx["cluster"]?.GetValue<string>() ?? throw new KubeConfigException($"{path}: context \"{contextName}\" names no cluster");
        var userName = ctx["user"]?.GetValue<string>();
        var cluster = Named(root, "clusters", "cluster", clusterName, path);
        var user = userName is null ? new JsonObject() : Named(root, "users", "user", userName, path);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;

        var server = cluster["server"]?.GetValue<string>() ?? throw new KubeConfigException($"{path}: cluster \"{clusterName}\" has no server");
        if (!Uri.TryCreate(server, UriKind.Absolute, out var serverUri))
        {
            throw new KubeConfigException($"{path}: cluster \"{clusterName}\" server \"{server}\" is not an absolute URL such as https://127.0.0.1:6443");
        }

        var token = Str(user, "token") ?? (Str(user, "tokenFile") is { } tokenFile ? File.ReadAllText(Resolve(dir, tokenFile)).Trim() : null);
        if (user["exec"] is not null || user["auth-provider"] is not null)
        {
            throw new KubeConfigException($"{path}: user \"{userName}\" authenticates with an exec or auth-provider plugin, which Tusk does not run; use a client certificate or a token");
        }

        return new KubeConfig(
            serverUri,
            DataOrFile(cluster, "certificate-authority", dir),
            DataOrFile(user, "client-certificate", dir),
            DataOrFile(user, "client-key", dir),
            token,
            Str(ctx, "namespace") ?? "default",
            cluster["insecure-skip-tls-verify"]?.GetValue<bool>() ?? false);
    }

    /// <summary>The configuration a pod gets from its service account: token, CA and namespace files, and KUBERNETES_SERVICE_HOST/PORT.</summary>
    public static KubeConfig InCluster(string directory = ServiceAccountDirectory)
    {
        var host = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST");
        var port = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
        {
            throw new KubeConfigException("not running in a Kubernetes pod: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set");
        }

        var tokenPath = Path.Combine(directory, "token");
        if (!File.Exists(tokenPath))
        {
            throw new KubeConfigException($"{tokenPath}: no service account token; set automountServiceAccountToken: true on the pod");
        }

        // An IPv6 service address needs brackets in a URL.
        var hostPart = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        var nsPath = Path.Combine(directory, "namespace");
        return new KubeConfig(
            new Uri($"https://{hostPart}:{port}"),
            File.ReadAllText(Path.Combine(directory, "ca.crt")),
            null,
            null,
            File.ReadAllText(tokenPath).Trim(),
            File.Exists(nsPath) ? File.ReadAllText(nsPath).Trim() : "default");
    }

    private static string DefaultKubeconfigPath()
    {
        var env = Environment.GetEnvironmentVariable("KUBECONFIG");
        if (!string.IsNullOrEmpty(env))
        {
            return env.Split(':', StringSplitOptions.RemoveEmptyEntries)[0];
        }

        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
    }

    private static JsonObject Named(JsonObject root, string list, string inner, string name, string path)
    {
        foreach (var entry in root[list]?.AsArray() ?? [])
        {
            if (entry?["name"]?.GetValue<string>() == name)
            {
                return entry[inner]?.AsObject() ?? throw new KubeConfigException($"{path}: {list} entry \"{name}\" has no {inner}");
            }
        }

        throw new KubeConfigException($"{path}: no {inner} named \"{name}\" under {list}");
    }

    private static string? Str(JsonObject o, string key) => o[key]?.GetValue<string>() is { Length: > 0 } s ? s : null;

    private static string? DataOrFile(JsonObject o, string key, string dir)
    {
        if (Str(o, key + "-data") is { } data)
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(data));
        }

        return Str(o, key) is { } file ? File.ReadAllText(Resolve(dir, file)) : null;
    }

    private static string Resolve(string dir, string file) => Path.IsPathRooted(file) ? file : Path.Combine(dir, file);

    private static JsonObject ReadYaml(string path)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new KubeConfigException($"{path}:{e.Start.Line}: not valid YAML: {e.Message}");
        }

        return stream.Documents.Count > 0 && YamlJson.ToJson(stream.Documents[0].RootNode) is JsonObject o
            ? o
            : throw new KubeConfigException($"{path}: not a kubeconfig (expected a mapping with clusters, users and contexts)");
    }
}
