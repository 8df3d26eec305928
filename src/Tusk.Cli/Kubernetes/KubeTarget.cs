using System.Text;
using System.Text.Json.Nodes;
using Tusk.Api;
using Tusk.Kubernetes.Builders;
using Tusk.Kubernetes.Client;
using Tusk.Kubernetes.Controller;
using Tusk.Runtime.Local.Backups;
using YamlDotNet.RepresentationModel;

namespace Tusk.Cli.Kubernetes;

/// <summary>
/// The CLI's Kubernetes side: PostgresCluster resources and their users' Secrets read and
/// written through the API server. The operator does the rest, so nothing here runs PostgreSQL.
/// </summary>
public sealed class KubeTarget(KubeClient client) : IDisposable
{
    /// <summary>The kubeconfig context's namespace: where a command goes when -n is not given.</summary>
    public string DefaultNamespace => client.Config.Namespace;

    public string Server => client.Config.Server.ToString().TrimEnd('/');

    /// <summary>Every PostgresCluster the credentials may list, in all namespaces.</summary>
    public async Task<IReadOnlyList<PostgresCluster>> ListAsync(CancellationToken cancel) =>
        [.. (await client.ListAsync(ApiResource.PostgresCluster, null, cancel: cancel)).Items.Select(ToCluster)];

    public async Task<PostgresCluster?> GetAsync(string ns, string name, CancellationToken cancel) =>
        await client.GetAsync(ApiResource.PostgresCluster, ns, name, cancel) is { } found ? ToCluster(found) : null;

    /// <summary>The keys of the user's Secret (`&lt;cluster&gt;-pguser-&lt;user&gt;`, PGO's name and keys), decoded; null before the operator has written it.</summary>
    public async Task<IReadOnlyDictionary<string, string>?> UserSecretAsync(string ns, string cluster, string user, CancellationToken cancel)
    {
        if (await client.GetAsync(ApiResource.Secret, ns, ObjectNames.UserSecret(cluster, user), cancel) is not { } secret)
        {
            return null;
        }

        return (secret["data"] as JsonObject ?? []).ToDictionary(
            entry => entry.Key,
            entry => Encoding.UTF8.GetString(Convert.FromBase64String(entry.Value!.GetValue<string>())),
            StringComparer.Ordinal);
    }

    /// <summary>The CLI's field manager: the user's spec is the CLI's, the finalizer and status the operator's ("tusk").</summary>
    public const string FieldManager = "tusk-cli";

    /// <summary>Server-side apply of a manifest document as the user wrote it (the CRD's defaults fill the rest).</summary>
    public Task<JsonObject> ApplyAsync(string ns, JsonObject document, CancellationToken cancel)
    {
        var metadata = (JsonObject)document["metadata"]!;
        metadata["namespace"] = ns;
        return client.ApplyAsync(ApiResource.PostgresCluster, ns, document, force: false, FieldManager, cancel);
    }

    /// <summary>Deletes the resource; the operator's objects go with it (owner references). False when there was none.</summary>
    public Task<bool> DeleteAsync(string ns, string name, CancellationToken cancel) =>
        client.DeleteAsync(ApiResource.PostgresCluster, ns, name, cancel: cancel);

    /// <summary>The claims of the cluster's volumes (data and repositories): nothing owns them, so they outlive the resource.</summary>
    public Task<IReadOnlyList<string>> DeleteVolumeClaimsAsync(string ns, string name, CancellationToken cancel) =>
        ClusterFinalizer.DeleteVolumeClaimsAsync(client, ns, name, cancel);

    /// <summary>
    /// Reads the cluster until <paramref name="reached"/> holds for it (null: it is gone), at most
    /// <paramref name="within"/>; the last read, and whether it got there.
    /// </summary>
    public async Task<(bool Reached, PostgresCluster? Last)> WaitAsync(string ns, string name, Func<PostgresCluster?, bool> reached, TimeSpan within, CancellationToken cancel)
    {
        var deadline = DateTimeOffset.UtcNow + within;
        while (true)
        {
            var cluster = await GetAsync(ns, name, cancel);
            if (reached(cluster) || DateTimeOffset.UtcNow > deadline)
            {
                return (reached(cluster), cluster);
            }

            await Task.Delay(250, cancel);
        }
    }

    /// <summary>
    /// Asks the operator for a switchover through the resource: a new trigger value (and the
    /// target, or none) in the annotations it acts on. A JSON Patch, so the spec's owner stays the
    /// same. Returns the trigger value.
    /// </summary>
    public async Task<string> RequestSwitchoverAsync(string ns, string name, string? target, CancellationToken cancel)
    {
        var trigger = NewTrigger();
        await AnnotateAsync(ns, name, [(SwitchoverRequest.TriggerAnnotation, trigger), (SwitchoverRequest.TargetAnnotation, target ?? "")], cancel);
        return trigger;
    }

    /// <summary>Asks the operator for a backup (KubeBackups): a new trigger value, with the repository and type when given; returns the trigger.</summary>
    public async Task<string> RequestBackupAsync(string ns, string name, string? repo, string? type, CancellationToken cancel)
    {
        var trigger = NewTrigger();
        await AnnotateAsync(ns, name, [(KubeBackups.TriggerAnnotation, trigger), (KubeBackups.RepoAnnotation, repo ?? ""), (KubeBackups.TypeAnnotation, type ?? "")], cancel);
        return trigger;
    }

    /// <summary>The backups in every repository, from `pgbackrest info` on the primary (pods/exec); null and why when it cannot be read.</summary>
    public async Task<(IReadOnlyList<BackupRecord>? Backups, string? Problem)> BackupsAsync(string ns, string name, CancellationToken cancel)
    {
        if (await PrimaryPgBackRest.FindAsync(client, ns, name, cancel) is not { } primary)
        {
            return (null, $"{ns}/{name} has no primary right now; the backups are read from its pgbackrest sidecar");
        }

        var info = await PrimaryPgBackRest.RunAsync(client, ns, primary, ["--output=json", "info"], cancel);
        return info.Succeeded ? (PgBackRestInfo.Backups(info.Stdout), null) : (null, $"pgbackrest info on {primary} failed: {PrimaryPgBackRest.Message(info)}");
    }

    private static string NewTrigger() => DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Sets annotations with a JSON Patch: the CLI must not take over the spec's fields, as an apply of the whole object would.</summary>
    private async Task AnnotateAsync(string ns, string name, IReadOnlyList<(string Key, string Value)> annotations, CancellationToken cancel)
    {
        var current = await client.GetAsync(ApiResource.PostgresCluster, ns, name, cancel);
        var operations = new JsonArray();
        if (current?["metadata"]?["annotations"] is not JsonObject)
        {
            operations.Add((JsonNode)new JsonObject { ["op"] = "add", ["path"] = "/metadata/annotations", ["value"] = new JsonObject() });
        }

        foreach (var (key, value) in annotations)
        {
            // JSON Pointer escapes "/" in a key as "~1".
            operations.Add((JsonNode)new JsonObject { ["op"] = "add", ["path"] = "/metadata/annotations/" + key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal), ["value"] = value });
        }

        await client.JsonPatchAsync(ApiResource.PostgresCluster, ns, name, operations, cancel);
    }

    /// <summary>The PostgresCluster documents of a manifest, as written (YAML or JSON, several documents allowed).</summary>
    public static IReadOnlyList<JsonObject> Documents(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return [.. stream.Documents
            .Select(d => YamlJson.ToJson(d.RootNode) as JsonObject)
            .OfType<JsonObject>()
            .Where(d => d["kind"]?.GetValue<string>() == ApiResource.PostgresCluster.Kind)];
    }

    private static PostgresCluster ToCluster(JsonObject found) => Json.Deserialize(found.ToJsonString(), Json.Types.PostgresCluster)!;

    public void Dispose() => client.Dispose();
}
