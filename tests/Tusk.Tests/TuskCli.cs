using System.Diagnostics;

namespace Tusk.Tests;

/// <summary>
/// Runs the real `tusk` executable built beside the tests, with its own TUSK_HOME, and collects
/// what it printed. TUSK_TEST_EXECUTABLE runs another build instead, e.g. the native AOT one
/// (scripts/publish.sh --aot): the end-to-end tests then check that binary.
/// </summary>
public static class TuskCli
{
    public static string Executable =>
        Environment.GetEnvironmentVariable("TUSK_TEST_EXECUTABLE") is { Length: > 0 } other ? other : Path.Combine(AppContext.BaseDirectory, "tusk");

    /// <param name="environment">Variables to set; a null value removes one inherited from the test run.</param>
    public static async Task<CliResult> RunAsync(string home, IReadOnlyDictionary<string, string?>? environment, TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["TUSK_HOME"] = home;
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
