using System.Text.RegularExpressions;
using Tusk.Kubernetes.Builders;
using Tusk.Tests.Kubernetes.Crd;

namespace Tusk.Tests.Kubernetes.Deploy;

/// <summary>
/// The Containerfiles under images/ cannot be built here (no container engine), so they are
/// checked statically against what the Deployment and the builders expect of the images.
/// </summary>
public sealed partial class ContainerfileTests
{
    /// <summary>Instructions of a Containerfile: comments dropped, continuation lines joined.</summary>
    private static List<(string Keyword, string Arguments)> Instructions(string path)
    {
        var joined = ContinuationPattern().Replace(File.ReadAllText(Repository.File(path)), " ");
        return [.. joined.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', 2) is [var keyword, var rest] ? (keyword.ToUpperInvariant(), rest.Trim()) : (l.ToUpperInvariant(), ""))];
    }

    /// <summary>The instructions of the last stage: what the image runs with.</summary>
    private static List<(string Keyword, string Arguments)> FinalStage(string path)
    {
        var all = Instructions(path);
        return all[all.FindLastIndex(i => i.Keyword == "FROM")..];
    }

    [Fact]
    public void The_operator_image_runs_tusk_as_the_Deployments_numeric_non_root_user()
    {
        var final = FinalStage("images/operator/Containerfile");
        var pod = CrdInstaller.ReadYaml("deploy/operator/deployment.yaml")["spec"]!["template"]!["spec"]!;
        var podSecurity = pod["securityContext"]!;

        Assert.Equal($"{podSecurity["runAsUser"]}:{podSecurity["runAsGroup"]}", final.Single(i => i.Keyword == "USER").Arguments);
        // The Deployment runs `tusk operator run`: tusk must be on the image's PATH, where the build publishes it.
        Assert.Equal("tusk", pod["containers"]![0]!["command"]![0]!.GetValue<string>());
        Assert.Contains("PATH=/app:", final.Single(i => i.Keyword == "ENV").Arguments, StringComparison.Ordinal);
        Assert.Contains(final, i => i.Keyword == "COPY" && i.Arguments == "--from=build /app /app");
        var publish = Instructions("images/operator/Containerfile").First(i => i.Keyword == "RUN").Arguments;
        Assert.Contains("dotnet publish src/Tusk.Cli -c Release -o /app", publish, StringComparison.Ordinal);
        Assert.Contains("<AssemblyName>tusk</AssemblyName>", File.ReadAllText(Repository.File("src/Tusk.Cli/Tusk.Cli.csproj")), StringComparison.Ordinal);
        // tusk references ASP.NET Core (the local agent serves its API with it): the publish carries its runtime.
        Assert.Contains("-r linux-x64 --self-contained", publish, StringComparison.Ordinal);
        Assert.Equal("docker.io/library/debian:bookworm-slim", final[0].Arguments);
        // scripts/kube-images.sh builds the same image: the same packages on the same Debian.
        Assert.Equal(ScriptPackages("operator_packages"), InstalledPackages(final.Single(i => i.Keyword == "RUN").Arguments));
    }

    [Fact]
    public void The_database_image_is_debian_with_postgresql_patroni_pgbackrest_pgaudit_and_the_sidecars_as_user_999()
    {
        var all = Instructions("images/postgres/Containerfile");
        var final = FinalStage("images/postgres/Containerfile");

        Assert.Equal("docker.io/library/debian:bookworm-slim", final[0].Arguments);
        Assert.Equal($"{PodSecurity.User}:{PodSecurity.Group}", final.Single(i => i.Keyword == "USER").Arguments);
        var install = final.Single(i => i.Keyword == "RUN").Arguments;
        var packages = InstalledPackages(install);
        foreach (var package in new[] { "patroni", "pgbackrest", "postgresql-${PG_MAJOR}-pgaudit", "prometheus-postgres-exporter", "pgbouncer" })
        {
            Assert.Contains(package, packages);
        }

        // scripts/kube-images.sh builds the same image: the same packages, the same user.
        Assert.Equal(ScriptPackages("postgres_packages").Select(p => p.Replace("${pg_major}", "${PG_MAJOR}", StringComparison.Ordinal)), packages);
        Assert.Contains($"useradd -r -u {PodSecurity.User} -g {PodSecurity.Group} ", install, StringComparison.Ordinal);
        Assert.Contains($"useradd -r -u {PodSecurity.User} -g {PodSecurity.Group} ", File.ReadAllText(Repository.File("scripts/kube-images.sh")), StringComparison.Ordinal);

        // The pod's command and the image's default agree on where Tusk mounts Patroni's configuration.
        Assert.Equal($"[\"patroni\", \"{PatroniConfigMapBuilder.ConfigDirectory}/{PatroniConfigMapBuilder.FileName}\"]", final.Single(i => i.Keyword == "CMD").Arguments);
        Assert.Equal("ARG PG_MAJOR=15", $"{all[0].Keyword} {all[0].Arguments}");
    }

    [Theory]
    [InlineData("images/operator/Containerfile")]
    [InlineData("images/postgres/Containerfile")]
    public void Base_images_name_a_version_and_nothing_is_fetched_from_a_URL(string path)
    {
        foreach (var (keyword, arguments) in Instructions(path))
        {
            Assert.False(keyword == "ADD" && arguments.Contains("://", StringComparison.Ordinal), $"{path}: ADD from a URL");
            if (keyword == "FROM")
            {
                var image = arguments.Split(' ')[0];
                Assert.Matches(@":[^/]+$", image);
                Assert.DoesNotContain(":latest", image, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>The packages of a Containerfile's apt-get install.</summary>
    private static List<string> InstalledPackages(string run) =>
        [.. AptInstallPattern().Match(run).Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>The packages of a bash array in scripts/kube-images.sh (comments dropped, quotes removed).</summary>
    private static List<string> ScriptPackages(string array)
    {
        var script = File.ReadAllText(Repository.File("scripts/kube-images.sh"));
        var body = Regex.Match(script, $@"^{array}=\(([^)]*)\)", RegexOptions.Multiline).Groups[1].Value;
        return [.. body.Split('\n').Select(l => l.Trim()).Where(l => !l.StartsWith('#'))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(p => p.Trim('"'))];
    }

    [GeneratedRegex(@"apt-get install -y --no-install-recommends ([^;]*);")]
    private static partial Regex AptInstallPattern();

    [GeneratedRegex(@"\\\r?\n(\s*#[^\n]*\n)*")]
    private static partial Regex ContinuationPattern();
}
