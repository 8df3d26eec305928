using Tusk.Images.Discovery;

namespace Tusk.Tests.Images;

public class ManifestImageScannerTests
{
    private static string Manifests => Path.Combine(AppContext.BaseDirectory, "Images", "Manifests");

    private static ImageUse Use(ImageInventory inventory, string container) => Assert.Single(inventory.Uses, u => u.Container == container);

    [Fact]
    public void The_local_path_provisioners_helper_image_is_found_in_its_ConfigMap_at_its_line()
    {
        var file = Path.Combine(Manifests, "local-path-storage.yaml");
        var inventory = ImageDiscovery.FromPaths([file]);

        Assert.Empty(inventory.Problems);
        Assert.Equal(["docker.io/rancher/local-path-provisioner:v0.0.30", "docker.io/rancher/mirrored-library-busybox:1.36.1"], inventory.Images);
        var helper = Use(inventory, "data.helperPod.yaml container helper-pod");
        Assert.Equal("ConfigMap/local-path-storage/local-path-config", helper.Owner);
        Assert.Equal("rancher/mirrored-library-busybox:1.36.1", helper.Written);
        var lines = File.ReadAllLines(file);
        Assert.Contains("image: rancher/mirrored-library-busybox:1.36.1", lines[helper.Line - 1]);
        var provisioner = Use(inventory, "container local-path-provisioner");
        Assert.Contains("image: rancher/local-path-provisioner:v0.0.30", lines[provisioner.Line - 1]);
        Assert.Equal("Deployment/local-path-storage/local-path-provisioner", provisioner.Owner);
    }

    [Fact]
    public void A_directory_is_searched_recursively_through_every_workload_kind()
    {
        var inventory = ImageDiscovery.FromPaths([Path.Combine(Manifests, "argocd")]);

        Assert.Empty(inventory.Problems);
        Assert.Equal(
            [
                "quay.io/argoproj/argocd:v2.13.1",
                "docker.io/library/redis:7.0.15-alpine",
                "ghcr.io/dexidp/dex@sha256:b08a58c9731c693b8db02154d7afda798e1888dc76db30d34c4a0d0b8a26d913",
                "docker.io/bitnami/kubectl:1.31",
                "registry.example.com:5000/team/migrate:latest",
                "localhost/node-agent:dev",
                "docker.io/library/nginx:1.27",
                "docker.io/library/busybox:latest",
            ],
            inventory.Images);
        Assert.Equal(5, inventory.Uses.Count(u => u.Image == "quay.io/argoproj/argocd:v2.13.1"));
        Assert.Contains(inventory.Uses, u => u.Owner == "CronJob/argocd/cleanup" && u.Container == "container cleanup");
        Assert.Contains(inventory.Uses, u => u.Owner == "Job/argocd/migrate");
        Assert.Contains(inventory.Uses, u => u.Owner == "DaemonSet/kube-system/node-agent");
        Assert.Contains(inventory.Uses, u => u.Owner == "StatefulSet/argocd/argocd-application-controller");
        Assert.Contains(inventory.Uses, u => u.Owner == "Pod/debug" && u.Container == "ephemeralContainer debugger");
        Assert.Contains(inventory.Uses, u => u.Owner == "Deployment/argocd/argocd-redis" && u.Container == "initContainer secret-init");
    }

    [Fact]
    public void Pull_policies_are_the_written_ones_or_the_kubelets_defaults()
    {
        var inventory = ImageDiscovery.FromPaths([Path.Combine(Manifests, "argocd")]);

        Assert.Equal("Always", Use(inventory, "container redis").PullPolicy);
        Assert.Equal("IfNotPresent", Use(inventory, "container app").PullPolicy); // nginx:1.27, not written
        Assert.Equal("Always", Use(inventory, "ephemeralContainer debugger").PullPolicy); // busybox, no tag
        Assert.Equal("Always", Use(inventory, "container migrate").PullPolicy); // no tag means latest
        Assert.Equal("IfNotPresent", Use(inventory, "container dex").PullPolicy); // a digest
    }

    [Fact]
    public void RunAsNonRoot_and_runAsUser_come_from_the_container_or_else_the_pod()
    {
        var inventory = ImageDiscovery.FromPaths([Path.Combine(Manifests, "argocd", "install.yaml")]);

        var redis = Use(inventory, "container redis");
        Assert.True(redis.RunAsNonRoot);
        Assert.Equal(999, redis.RunAsUser);
        var repo = Use(inventory, "container argocd-repo-server");
        Assert.True(repo.RunAsNonRoot);
        Assert.Null(repo.RunAsUser);
        Assert.False(Use(inventory, "container dex").RunAsNonRoot);
    }

    [Fact]
    public void A_PostgresClusters_images_are_its_database_and_pgbackrest_images_and_must_run_as_non_root()
    {
        var inventory = ImageDiscovery.FromPaths([Path.Combine(Manifests, "crunchy-hippo.yaml")]);

        Assert.Empty(inventory.Problems);
        Assert.Equal(
            ["registry.developers.crunchydata.com/crunchydata/crunchy-postgres:ubi8-15.1-0", "registry.developers.crunchydata.com/crunchydata/crunchy-pgbackrest:ubi8-2.41-0"],
            inventory.Images);
        Assert.All(inventory.Uses, u => Assert.True(u.RunAsNonRoot));
        Assert.Equal("database (from spec.image)", inventory.Uses[0].Container);
        Assert.Equal("pgbackrest (from spec.backups.pgbackrest.image)", inventory.Uses[1].Container);
        Assert.Equal("PostgresCluster/hippo", inventory.Uses[0].Owner);
    }

    [Fact]
    public void Without_spec_images_the_operators_RELATED_IMAGE_variables_name_them()
    {
        var environment = new Dictionary<string, string>
        {
            ["RELATED_IMAGE_POSTGRES_16"] = "registry.example.com/pg/postgres:16.4",
            ["RELATED_IMAGE_PGBACKREST"] = "registry.example.com/pg/pgbackrest:2.53",
            ["RELATED_IMAGE_PGBOUNCER"] = "registry.example.com/pg/pgbouncer:1.23",
        };
        var inventory = ImageDiscovery.FromPaths([Path.Combine(Manifests, "hippo-related-images.yaml")], environment);

        Assert.Empty(inventory.Problems);
        Assert.Equal(["registry.example.com/pg/postgres:16.4", "registry.example.com/pg/pgbackrest:2.53", "registry.example.com/pg/pgbouncer:1.23"], inventory.Images);
        var database = inventory.Uses[0];
        Assert.Equal("database (from RELATED_IMAGE_POSTGRES_16)", database.Container);
        Assert.Equal(["pgaudit", "pg_stat_statements"], database.PreloadLibraries);
        Assert.Equal("IfNotPresent", database.PullPolicy);
        Assert.Null(inventory.Uses[1].PreloadLibraries);
    }

    [Fact]
    public void A_PostgresCluster_without_an_image_or_a_RELATED_IMAGE_variable_is_a_problem_that_says_which_to_set()
    {
        var file = Path.Combine(Manifests, "hippo-related-images.yaml");
        var inventory = ImageDiscovery.FromPaths([file], new Dictionary<string, string>());

        Assert.Empty(inventory.Uses);
        Assert.Equal(3, inventory.Problems.Count);
        var database = inventory.Problems[0];
        Assert.Equal(file, database.File);
        Assert.Equal(6, database.Line);
        Assert.Equal("PostgresCluster/db/zoo database: spec.image is not set and the operator's RELATED_IMAGE_POSTGRES_16 is not in the environment; set one of them", database.Message);
    }

    [Fact]
    public void Invalid_yaml_and_invalid_images_are_located_and_the_rest_is_still_read()
    {
        const string text = """
            apiVersion: v1
            kind: Pod
            metadata: {name: a}
            spec:
              containers:
              - name: good
                image: nginx:1.27
              - name: bad
                image: "Nginx Latest"
              - name: none
            """;
        var inventory = ManifestImageScanner.Scan(text, "pod.yaml");

        Assert.Equal(["docker.io/library/nginx:1.27"], inventory.Images);
        Assert.Equal(2, inventory.Problems.Count);
        Assert.Equal(9, inventory.Problems[0].Line);
        Assert.Contains("Pod/a container bad: \"Nginx Latest\" is not a valid image reference", inventory.Problems[0].Message);
        Assert.Equal("pod.yaml:10: Pod/a container none has no image; set containers[].image", inventory.Problems[1].ToString());

        var broken = ManifestImageScanner.Scan("kind: Pod\nspec: [\n  x: 1\n", "broken.yaml");
        Assert.Empty(broken.Uses);
        Assert.StartsWith("this is not valid YAML", Assert.Single(broken.Problems).Message);
    }

    [Fact]
    public void A_List_object_is_searched_item_by_item()
    {
        const string text = """
            apiVersion: v1
            kind: List
            items:
            - kind: Deployment
              metadata: {name: web}
              spec: {template: {spec: {containers: [{name: web, image: "nginx:1.27"}]}}}
            """;
        Assert.Equal(["docker.io/library/nginx:1.27"], ManifestImageScanner.Scan(text, "list.yaml").Images);
    }
}
