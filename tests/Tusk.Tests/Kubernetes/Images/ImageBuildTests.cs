using Tusk.Kubernetes.Builders;
using Tusk.Tests.Kubernetes.Crd;

namespace Tusk.Tests.Kubernetes.Images;

/// <summary>
/// Tusk's images, built from Debian packages by scripts/kube-images.sh, run for real with runc
/// (no Kubernetes): every command Tusk's pods run resolves in the image, as the pods' numeric
/// user, on a read-only root filesystem.
/// </summary>
public sealed class ImageBuildTests(BuiltImages images) : IClassFixture<BuiltImages>
{
    [Fact]
    public void The_tarballs_name_the_images_the_Deployment_and_the_operator_use()
    {
        var pod = CrdInstaller.ReadYaml("deploy/operator/deployment.yaml")["spec"]!["template"]!["spec"]!;
        var container = pod["containers"]![0]!;
        var postgres15 = container["env"]!.AsArray().Single(e => e!["name"]!.GetValue<string>() == "RELATED_IMAGE_POSTGRES_15")!["value"]!.GetValue<string>();

        // Fully qualified as the kubelet qualifies the pods' short names (tusk/x means docker.io/tusk/x).
        Assert.Equal(["tusk/operator:latest", "tusk/postgres:15"], [container["image"]!.GetValue<string>(), postgres15]);
        Assert.Equal(["docker.io/tusk/operator:latest"], images.Operator.RepoTags);
        Assert.Equal(["docker.io/tusk/postgres:15"], images.Postgres.RepoTags);
    }

    [Fact]
    public void The_database_image_runs_patroni_as_the_pods_numeric_user()
    {
        var image = images.Postgres;

        Assert.Equal($"{PodSecurity.User}:{PodSecurity.Group}", image.User);
        Assert.Empty(image.Strings("Entrypoint"));
        Assert.Equal(["patroni", $"{PatroniConfigMapBuilder.ConfigDirectory}/{PatroniConfigMapBuilder.FileName}"], image.Strings("Cmd"));
        Assert.StartsWith("/usr/lib/postgresql/15/bin:", image.Env("PATH"), StringComparison.Ordinal);
        Assert.Equal("C.UTF-8", image.Env("LANG"));
    }

    [Fact]
    public void The_operator_image_runs_tusk_operator_as_the_Deployments_numeric_user()
    {
        var image = images.Operator;
        var pod = CrdInstaller.ReadYaml("deploy/operator/deployment.yaml")["spec"]!["template"]!["spec"]!;

        Assert.Equal($"{pod["securityContext"]!["runAsUser"]}:{pod["securityContext"]!["runAsGroup"]}", image.User);
        Assert.Equal(["tusk"], image.Strings("Entrypoint"));
        Assert.Equal(["operator", "run"], image.Strings("Cmd"));
        Assert.Equal("0", image.Env("DOTNET_EnableDiagnostics"));
    }

    [Fact]
    public async Task Every_command_of_the_database_pod_and_its_sidecars_is_on_the_images_PATH()
    {
        // database: patroni; pgbackrest sidecar: sleep (and pgbackrest); exporter: postgres_exporter; pgbouncer.
        var result = await RunPostgresAsync("sh", "-c", "for c in patroni pgbackrest sleep postgres_exporter pgbouncer postgres initdb pg_ctl; do command -v $c || exit 1; done; id -u; id -g");

        Assert.True(result.ExitCode == 0, result.Errors + result.Output);
        Assert.Equal(
            ["/usr/bin/patroni", "/usr/bin/pgbackrest", "/usr/bin/sleep", "/usr/local/bin/postgres_exporter", "/usr/sbin/pgbouncer",
             "/usr/lib/postgresql/15/bin/postgres", "/usr/lib/postgresql/15/bin/initdb", "/usr/lib/postgresql/15/bin/pg_ctl", "999", "999"],
            result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("postgres (PostgreSQL) 15.", "postgres", "--version")]
    [InlineData("patroni 3.", "patroni", "--version")]
    [InlineData("pgBackRest 2.", "pgbackrest", "version")]
    [InlineData("PgBouncer 1.", "pgbouncer", "--version")]
    [InlineData("postgres_exporter, version 0.", "postgres_exporter", "--version")]
    [InlineData("kubernetes DCS", "python3", "-c", "import patroni.dcs.kubernetes; print('kubernetes DCS')")]
    public async Task The_database_images_programs_run_as_999_on_a_read_only_root(string expected, params string[] command)
    {
        var result = await RunPostgresAsync(command);

        Assert.True(result.ExitCode == 0, result.Errors + result.Output);
        Assert.Contains(expected, result.Output + result.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostgreSQL_initialises_starts_and_loads_pgaudit_as_999_with_only_a_tmpfs_writable()
    {
        const string script = """
            set -e
            initdb -D /tmp/data -U postgres --auth=trust >/tmp/initdb.log
            pg_ctl -D /tmp/data -l /tmp/server.log -w -o "-c listen_addresses= -k /tmp -c shared_preload_libraries=pgaudit" start >/dev/null
            psql -h /tmp -U postgres -d postgres -Atc "create extension pgaudit" -c "select current_user, current_setting('server_version_num')::int / 10000, (select extversion <> '' from pg_extension where extname = 'pgaudit')"
            pg_ctl -D /tmp/data -m fast -w stop >/dev/null
            """;

        var result = await RunPostgresAsync("sh", "-c", script);

        Assert.True(result.ExitCode == 0, result.Errors + result.Output);
        Assert.Equal(["CREATE EXTENSION", "postgres|15|t"], result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task The_read_only_root_refuses_writes_outside_the_volumes()
    {
        var result = await RunPostgresAsync("sh", "-c", "touch /var/lib/postgresql/x");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Read-only file system", result.Errors + result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tusk_runs_in_the_operator_image_as_65532_with_a_read_only_root_and_no_tmp()
    {
        var version = await RuncContainer.RunAsync(images.Operator.Bundle, ["tusk", "--version"]);
        var help = await RuncContainer.RunAsync(images.Operator.Bundle, ["tusk", "operator", "run", "--help"]);
        var user = await RuncContainer.RunAsync(images.Operator.Bundle, ["sh", "-c", "id -u; id -g; test -w /tmp || echo read-only /tmp"]);

        Assert.True(version.ExitCode == 0, version.Errors + version.Output);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Output);
        Assert.True(help.ExitCode == 0, help.Errors + help.Output);
        Assert.Contains("Usage:", help.Output, StringComparison.Ordinal);
        Assert.Equal(["65532", "65532", "read-only /tmp"], user.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>In the database image, with a tmpfs at /tmp as the pod's writable volumes.</summary>
    private Task<RuncContainer.Result> RunPostgresAsync(params string[] command) =>
        RuncContainer.RunAsync(images.Postgres.Bundle, command, new RuncOptions { Tmpfs = ["/tmp"] });
}
