using Tusk.Images;
using Tusk.Images.Checking;
using Tusk.Images.Discovery;

namespace Tusk.Tests.Images;

public class UserRuleTests
{
    private static ImageUse Use(bool runAsNonRoot, long? runAsUser = null) => new()
    {
        Image = "docker.io/library/postgres:16", Written = "postgres:16", File = "db.yaml", Line = 12, Owner = "StatefulSet/db/pg",
        Container = "container postgres", PullPolicy = "IfNotPresent", RunAsNonRoot = runAsNonRoot, RunAsUser = runAsUser,
    };

    [Theory]
    [InlineData(null, ImageVerdict.RunsAsRoot)]
    [InlineData("", ImageVerdict.RunsAsRoot)]
    [InlineData("root", ImageVerdict.RunsAsRoot)]
    [InlineData("0", ImageVerdict.RunsAsRoot)]
    [InlineData("0:0", ImageVerdict.RunsAsRoot)]
    [InlineData("postgres", ImageVerdict.NonNumericUser)]
    [InlineData("postgres:postgres", ImageVerdict.NonNumericUser)]
    public void Under_runAsNonRoot_root_and_named_users_are_refused_as_the_kubelet_refuses_them(string? user, ImageVerdict verdict)
    {
        var refused = UserRule.Check(user, Use(runAsNonRoot: true));

        Assert.NotNull(refused);
        Assert.Equal(verdict, refused.Value.Verdict);
        Assert.Contains("StatefulSet/db/pg container postgres (db.yaml:12)", refused.Value.Message);
    }

    [Theory]
    [InlineData("999")]
    [InlineData("999:999")]
    [InlineData("26:root")]
    public void Under_runAsNonRoot_a_numeric_non_zero_user_is_accepted(string user)
    {
        Assert.Null(UserRule.Check(user, Use(runAsNonRoot: true)));
    }

    [Fact]
    public void RunAsUser_overrides_the_image_user_and_zero_is_refused()
    {
        Assert.Null(UserRule.Check("postgres", Use(runAsNonRoot: true, runAsUser: 999)));
        Assert.Equal(ImageVerdict.RunsAsRoot, UserRule.Check("999", Use(runAsNonRoot: true, runAsUser: 0))!.Value.Verdict);
    }

    [Fact]
    public void Without_runAsNonRoot_any_user_runs()
    {
        Assert.Null(UserRule.Check(null, Use(runAsNonRoot: false)));
        Assert.Null(UserRule.Check("postgres", Use(runAsNonRoot: false)));
    }

    [Theory]
    [InlineData("linux/amd64", "linux", "amd64", null)]
    [InlineData("linux/arm64/v8", "linux", "arm64", "v8")]
    public void Platforms_parse_as_os_arch_and_variant(string text, string os, string architecture, string? variant)
    {
        Assert.True(Platform.TryParse(text, out var platform));
        Assert.Equal(new Platform(os, architecture, variant), platform);
        Assert.Equal(text, platform.ToString());
    }

    [Theory]
    [InlineData("amd64")]
    [InlineData("linux/")]
    [InlineData("a/b/c/d")]
    public void Bad_platforms_are_refused(string text)
    {
        Assert.False(Platform.TryParse(text, out _));
    }

    [Fact]
    public void A_variant_counts_only_when_asked_for()
    {
        var arm64v8 = new Platform("linux", "arm64", "v8");
        Assert.True(new Platform("linux", "arm64").Matches(arm64v8));
        Assert.False(new Platform("linux", "arm", "v7").Matches(new Platform("linux", "arm", "v6")));
    }
}
