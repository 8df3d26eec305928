using System.Runtime.Versioning;

namespace Tusk.Tests.Environments;

/// <summary>The real `tusk` executable with its own TUSK_HOME (deleted on dispose), for `tusk env` driven end to end.</summary>
[SupportedOSPlatform("linux")]
public sealed class TuskProcess : IDisposable
{
    public string Home { get; } = Directory.CreateTempSubdirectory("tusk-env-cli-").FullName;

    /// <summary>Runs tusk; TUSK_ENV_DB from the test run is not inherited unless given.</summary>
    public Task<CliResult> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var variables = new Dictionary<string, string?> { ["TUSK_ENV_DB"] = null };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            variables[key] = value;
        }

        return TuskCli.RunAsync(Home, variables, TimeSpan.FromMinutes(2), args);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
