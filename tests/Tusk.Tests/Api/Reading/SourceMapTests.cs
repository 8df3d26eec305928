using System.Runtime.Versioning;
using Tusk.Api.Reading;
using Tusk.Api.Validation;

namespace Tusk.Tests.Api.Reading;

[SupportedOSPlatform("linux")]
public class SourceMapTests
{
    private static SourceMap Map()
    {
        var map = new SourceMap("c.yaml");
        map.Add("", 1, 1);
        map.Add("spec", 5, 1);
        map.Add("spec.instances", 6, 3);
        map.Add("spec.instances[1]", 9, 7);
        map.Add("spec.instances[1].replicas", 10, 17);
        return map;
    }

    [Fact]
    public void A_written_path_is_found_exactly()
    {
        Assert.Equal(new SourceLocation("c.yaml", 10, 17), Map().Find("spec.instances[1].replicas"));
    }

    [Theory]
    [InlineData("spec.instances[1].name", 9, 7)]
    [InlineData("spec.instances[0].replicas", 6, 3)]
    [InlineData("spec.patroni.syncPeriodSeconds", 5, 1)]
    [InlineData("metadata.name", 1, 1)]
    public void An_unwritten_path_is_found_at_its_nearest_written_ancestor(string path, int line, int column)
    {
        Assert.Equal(new SourceLocation("c.yaml", line, column), Map().Find(path));
    }

    [Fact]
    public void The_first_location_recorded_for_a_path_wins()
    {
        var map = Map();
        map.Add("spec", 99, 1);

        Assert.Equal(5, map.Find("spec")!.Line);
    }

    [Fact]
    public void Nothing_is_found_in_an_empty_map()
    {
        Assert.Null(new SourceMap("c.yaml").Find("spec.port"));
    }

    [Fact]
    public void Locate_adds_the_location_and_keeps_one_already_given()
    {
        var map = Map();
        var given = new SourceLocation("other.yaml", 3, 4);

        Assert.Equal("c.yaml:10:17: spec.instances[1].replicas: bad", map.Locate(new Problem("spec.instances[1].replicas", "bad")).ToString());
        Assert.Equal(given, map.Locate(new Problem("spec", "bad", Severity.Error, given)).Location);
    }
}
