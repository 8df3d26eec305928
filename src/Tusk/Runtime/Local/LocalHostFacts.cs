using Tusk.Api.Validation;

namespace Tusk.Runtime.Local;

/// <summary>This machine as validation sees it: Debian's PostgreSQL layout under /usr/lib/postgresql.</summary>
public static class LocalHostFacts
{
    public const string PostgresRoot = "/usr/lib/postgresql";

    /// <param name="ownedPorts">Ports the cluster being validated already holds (its own HAProxy), which count as free.</param>
    public static HostFacts Create(IReadOnlyCollection<int> ownedPorts) => new(
        InstalledVersions(),
        port => ownedPorts.Contains(port) || PortAllocator.IsFree(port),
        (version, library) => File.Exists(Path.Combine(PostgresRoot, version.ToString(System.Globalization.CultureInfo.InvariantCulture), "lib", library + ".so")),
        path => ReadText(path),
        DateTimeOffset.UtcNow);

    private static string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    public static IReadOnlyCollection<int> InstalledVersions() =>
        Directory.Exists(PostgresRoot)
            ? Directory.GetDirectories(PostgresRoot)
                .Where(d => File.Exists(Path.Combine(d, "bin", "postgres")))
                .Select(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Where(v => v > 0)
                .Order()
                .ToList()
            : [];
}
