using System.Text.Json.Nodes;
using Tusk.Planning;
using Tusk.Planning.Backups;
using Tusk.Runtime.Local.Backups;

namespace Tusk.Kubernetes.Builders;

/// <summary>
/// pgBackRest when spec.backups is set: the ConfigMap &lt;c&gt;-pgbackrest-config holding
/// pgbackrest.conf (the local runtime's shape and defaults, Kubernetes paths), a volume claim
/// &lt;c&gt;-repoN per repository with a volume, mounted at /pgbackrest/repoN, and the sidecar
/// <c>pgbackrest</c> in every instance pod. PostgreSQL's archive_command runs in the database
/// container, so that container mounts the configuration and the repositories too.
/// </summary>
/// <remarks>
/// The repository claims are mounted by every instance pod (there is no separate repository
/// host yet, as PGO has): with more than one instance the claim must be ReadWriteMany.
/// Repositories in object stores (s3, gcs, azure) are not built yet and are refused.
/// </remarks>
public static class PgBackRestBuilder
{
    public const string Container = "pgbackrest";
    public const string ConfigVolume = "pgbackrest-config";
    public const string ConfigDirectory = "/etc/pgbackrest";
    public const string ConfigFile = "pgbackrest.conf";
    public const string RepoRoot = "/pgbackrest";

    /// <summary>Spool and logs live on the data volume (kept across restarts, as PGO does); locks in /tmp, shared by both containers.</summary>
    public const string WorkDirectory = $"{PatroniConfigMapBuilder.DataDirectory}/pgbackrest";

    public static string RepoPath(RepoPlan repo) => $"{RepoRoot}/{repo.Name}";

    public static string DataDirectory(ClusterPlan plan) => $"{PatroniConfigMapBuilder.DataDirectory}/pg{plan.PostgresVersion}";

    /// <summary>pgBackRest reads /etc/pgbackrest/pgbackrest.conf by default, so no --config; the literal --pg1-path as locally (Patroni runs it without a shell before pg_rewind).</summary>
    public static string ArchiveCommand(ClusterPlan plan) =>
        $"pgbackrest --stanza={BackupPlan.Stanza} --pg1-path={DataDirectory(plan)} archive-push %p";

    /// <summary>The ConfigMap and one claim per repository.</summary>
    public static IReadOnlyList<JsonObject> Build(BuildRequest r)
    {
        if (r.Plan.Backups is not { } backups)
        {
            return [];
        }

        var configMap = Meta.Object("v1", "ConfigMap", Meta.Owned(r, ObjectNames.PgBackRestConfig(r.Name), Labels.For(r.Name, role: "pgbackrest")));
        configMap["data"] = new JsonObject { [ConfigFile] = Config(r.Plan, backups) };
        var objects = new List<JsonObject> { configMap };
        foreach (var repo in backups.Repos)
        {
            var labels = Labels.For(r.Name, role: "pgbackrest-repo");
            labels["tusk.dev/repo"] = repo.Name;
            // Backups must survive their cluster: the claim is not owned, so garbage collection leaves it.
            var claim = Meta.Object("v1", "PersistentVolumeClaim", Meta.Unowned(r, ObjectNames.RepoVolume(r.Name, repo.Name), labels));
            claim["spec"] = ClaimSpec(r, repo).DeepClone();
            objects.Add(claim);
        }

        return objects;
    }

    /// <summary>pgbackrest.conf: Tusk's defaults (shared with the local runtime), the user's global options, then what Tusk manages.</summary>
    public static string Config(ClusterPlan plan, BackupPlan backups) =>
        PgBackRestConfigBuilder.Build(
            backups.Global,
            backups.Repos.Select(r => (r.Index, RepoPath(r))),
            new PgBackRestLocation(DataDirectory(plan), PatroniConfigMapBuilder.SocketDirectory, plan.Port, WorkDirectory, "/tmp/pgbackrest"));

    /// <summary>
    /// The sidecar: pgBackRest's tools beside PostgreSQL, sharing its data volume, socket, locks,
    /// configuration and repositories. It runs nothing by itself; backups and stanza commands are
    /// run in it by the operator (pods/exec).
    /// </summary>
    internal static JsonObject Sidecar(BuildRequest r, BackupPlan backups)
    {
        var container = new JsonObject
        {
            ["name"] = Container,
            ["image"] = SidecarImages.Require(r.PgBackRestImage, "pgBackRest", "spec.backups.pgbackrest.image", SidecarImages.PgBackRestVariable),
            ["command"] = new JsonArray("sleep", "infinity"),
            ["securityContext"] = PodSecurity.Container(),
            ["volumeMounts"] = new JsonArray([
                StatefulSetBuilder.Mount(StatefulSetBuilder.DataVolume, PatroniConfigMapBuilder.DataDirectory),
                StatefulSetBuilder.Mount("tmp", "/tmp"),
                StatefulSetBuilder.Mount("run", PatroniConfigMapBuilder.SocketDirectory),
                .. Mounts(backups)]),
        };
        if (r.Cluster.Spec.ImagePullPolicy is { } pullPolicy)
        {
            container["imagePullPolicy"] = pullPolicy;
        }

        return container;
    }

    /// <summary>The configuration (read-only) and every repository, for both containers.</summary>
    internal static IEnumerable<JsonObject> Mounts(BackupPlan backups) =>
        backups.Repos.Select(repo => StatefulSetBuilder.Mount(repo.Name, RepoPath(repo)))
            .Prepend(StatefulSetBuilder.Mount(ConfigVolume, ConfigDirectory, readOnly: true));

    internal static IEnumerable<JsonObject> Volumes(BuildRequest r, BackupPlan backups) =>
        backups.Repos.Select(repo => new JsonObject
        {
            ["name"] = repo.Name,
            ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = ObjectNames.RepoVolume(r.Name, repo.Name) },
        }).Prepend(new JsonObject
        {
            ["name"] = ConfigVolume,
            ["configMap"] = new JsonObject { ["name"] = ObjectNames.PgBackRestConfig(r.Name) },
        });

    private static JsonNode ClaimSpec(BuildRequest r, RepoPlan repo)
    {
        var spec = r.Cluster.Spec.Backups?.Pgbackrest?.Repos?.FirstOrDefault(s => s.Name == repo.Name);
        return spec?.Volume?["volumeClaimSpec"] as JsonObject
            ?? throw new ArgumentException(
                $"spec.backups.pgbackrest.repos[{repo.Name}]: no volume.volumeClaimSpec; on Kubernetes Tusk builds only volume repositories so far (s3, gcs and azure are not supported yet)");
    }
}
