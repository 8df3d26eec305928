using System.Text.RegularExpressions;
using Tusk.Api.Validation;

namespace Tusk.Runtime.Local;

/// <summary>
/// Turns the last lines of a member's log into a plain sentence with what to do, for the
/// failures users meet most (seed 004: a preloaded library missing from the installation).
/// </summary>
public static partial class LogDiagnosis
{
    public static string? Explain(string logTail, int postgresVersion)
    {
        if (MissingLibrary().Match(logTail) is { Success: true } library)
        {
            var name = Path.GetFileNameWithoutExtension(library.Groups[1].Value);
            return $"PostgreSQL cannot start: the library \"{name}\" named in shared_preload_libraries is not installed. Install {DebianPackages.ForLibrary(name, postgresVersion)} or remove it from spec.patroni.dynamicConfiguration.postgresql.parameters.shared_preload_libraries, then apply again.";
        }

        if (AddressInUse().Match(logTail) is { Success: true } address)
        {
            return $"PostgreSQL cannot start: its port {address.Groups[1].Value} is taken by another program. Stop that program (`ss -ltnp 'sport = :{address.Groups[1].Value}'` shows it) and Tusk retries.";
        }

        if (InvalidParameter().Match(logTail) is { Success: true } parameter)
        {
            return $"PostgreSQL refused a parameter: {parameter.Groups[1].Value.Trim()}. Fix it in spec.patroni.dynamicConfiguration.postgresql.parameters and apply again.";
        }

        return null;
    }

    [GeneratedRegex("could not access file \"([^\"]+)\": No such file or directory")]
    private static partial Regex MissingLibrary();

    [GeneratedRegex("could not bind IPv4 address \"[^\"]+\": Address already in use[\\s\\S]*?port (\\d+)|Is another postmaster already running on port (\\d+)")]
    private static partial Regex AddressInUse();

    [GeneratedRegex("FATAL:  (invalid value for parameter [^\\n]+|unrecognized configuration parameter [^\\n]+)")]
    private static partial Regex InvalidParameter();
}
