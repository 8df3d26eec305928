using Tusk.Runtime.Local.Processes;

namespace Tusk.Tests.Runtime.Local;

/// <summary>Whether a data directory pgBackRest refused holds only what a paused Patroni saved there.</summary>
public sealed class PatroniCacheTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tusk-patroni-cache-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_saved_configuration_and_its_temporary_file_are_Patronis_alone()
    {
        File.WriteAllText(Path.Combine(_directory, "patroni.dynamic.json"), """{"pause": true}""");
        Assert.True(PatroniCache.IsAllThatIsIn(_directory));

        File.WriteAllText(Path.Combine(_directory, "patroni.dynamic.json.k2j8x1"), "");
        Assert.True(PatroniCache.IsAllThatIsIn(_directory));
    }

    [Fact]
    public void Anything_else_beside_it_is_not()
    {
        File.WriteAllText(Path.Combine(_directory, "patroni.dynamic.json"), "{}");
        File.WriteAllText(Path.Combine(_directory, "PG_VERSION"), "15\n");
        Assert.False(PatroniCache.IsAllThatIsIn(_directory));
    }

    [Fact]
    public void An_empty_or_missing_directory_is_not_a_case_for_it()
    {
        Assert.False(PatroniCache.IsAllThatIsIn(_directory));
        Assert.False(PatroniCache.IsAllThatIsIn(Path.Combine(_directory, "missing")));
    }
}
