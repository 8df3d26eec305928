using System.Runtime.Versioning;
using Tusk.Api.Reading;

namespace Tusk.Tests.Api.Reading;

[SupportedOSPlatform("linux")]
public class SuggestionsTests
{
    [Theory]
    [InlineData("replicas", "replicas", 0)]
    [InlineData("replcias", "replicas", 1)]
    [InlineData("replica", "replicas", 1)]
    [InlineData("repicas", "replicas", 1)]
    [InlineData("postgresVerison", "postgresVersion", 1)]
    [InlineData("port", "post", 1)]
    [InlineData("", "abc", 3)]
    [InlineData("kitten", "sitting", 3)]
    public void Distance_counts_insertions_deletions_substitutions_and_adjacent_swaps(string a, string b, int expected)
    {
        Assert.Equal(expected, Suggestions.Distance(a, b));
        Assert.Equal(expected, Suggestions.Distance(b, a));
    }

    [Fact]
    public void Distance_is_case_sensitive()
    {
        Assert.Equal(1, Suggestions.Distance("synchronousmode", "synchronousMode"));
    }

    [Theory]
    [InlineData("replcias", "replicas")]
    [InlineData("synchronousmode", "synchronousMode")]
    [InlineData("postgresVerison", "postgresVersion")]
    [InlineData("REPLICAS", "replicas")]
    [InlineData("nmae", "name")]
    public void Closest_suggests_the_nearest_known_name_ignoring_case(string typed, string expected)
    {
        Assert.Equal(expected, Suggestions.Closest(typed, ["name", "replicas", "postgresVersion", "synchronousMode"]));
    }

    [Theory]
    [InlineData("storage")]
    [InlineData("xyz")]
    [InlineData("completelyDifferent")]
    public void Closest_suggests_nothing_when_no_name_is_near(string typed)
    {
        Assert.Null(Suggestions.Closest(typed, ["name", "replicas", "postgresVersion"]));
    }

    [Fact]
    public void Closest_prefers_the_first_of_equally_near_names()
    {
        Assert.Equal("port", Suggestions.Closest("pot", ["port", "post"]));
    }

    [Fact]
    public void Closest_allows_more_typos_in_longer_names()
    {
        // 22 characters allow 5 edits; these are 4 apart.
        Assert.Equal("leaderLeaseDurationSeconds", Suggestions.Closest("leaderLeaseDuratonSecs", ["leaderLeaseDurationSeconds", "syncPeriodSeconds"]));
        Assert.Null(Suggestions.Closest("abc", []));
    }
}
