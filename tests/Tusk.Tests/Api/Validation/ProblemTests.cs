using System.Runtime.Versioning;
using Tusk.Api.Reading;
using Tusk.Api.Validation;

namespace Tusk.Tests.Api.Validation;

[SupportedOSPlatform("linux")]
public class ProblemTests
{
    [Fact]
    public void An_error_prints_like_a_compiler_diagnostic()
    {
        var problem = new Problem("spec.port", "80 is outside 1024–65534", Severity.Error, new SourceLocation("hippo.yaml", 6, 9));

        Assert.Equal("hippo.yaml:6:9: spec.port: 80 is outside 1024–65534", problem.ToString());
    }

    [Fact]
    public void A_warning_says_so_after_the_location()
    {
        var problem = Problem.Warning("spec.image", "ignored") with { Location = new SourceLocation("hippo.yaml", 6, 10) };

        Assert.Equal("hippo.yaml:6:10: warning: spec.image: ignored", problem.ToString());
    }

    [Fact]
    public void A_problem_without_a_location_or_a_path_prints_only_what_it_has()
    {
        Assert.Equal("spec.port: bad", new Problem("spec.port", "bad").ToString());
        Assert.Equal("hippo.yaml:1:1: the file holds no manifest", new Problem("", "the file holds no manifest", Severity.Error, new SourceLocation("hippo.yaml", 1, 1)).ToString());
    }
}
