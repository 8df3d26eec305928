namespace Tusk.Api.Validation;

/// <summary>
/// What validation needs to know about the machine a cluster will run on. Passed in, so the
/// validator stays a pure function and tests can describe any machine.
/// </summary>
/// <param name="InstalledPostgresVersions">Major versions whose server binaries are installed.</param>
/// <param name="IsPortFree">Whether a TCP port on 127.0.0.1 can be bound (ports the cluster itself already holds count as free).</param>
/// <param name="IsLibraryInstalled">Whether a shared library (e.g. "pgaudit") exists for a major version.</param>
/// <param name="ReadFile">A file's text, or null when it cannot be read (for user-provided certificates).</param>
/// <param name="Now">The time certificates are checked against.</param>
public sealed record HostFacts(
    IReadOnlyCollection<int> InstalledPostgresVersions,
    Func<int, bool> IsPortFree,
    Func<int, string, bool> IsLibraryInstalled,
    Func<string, string?>? ReadFile = null,
    DateTimeOffset? Now = null);
