using System.Diagnostics;
using System.Globalization;

namespace Tusk.Tests;

/// <summary>Runs a command-line tool for a test fixture (umoci, skopeo, initdb, openssl ...); a tool that fails fails the test with its output.</summary>
internal static class ToolRunner
{
    public static async Task<string> RunAsync(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{program} is not installed ({e.Message}); run scripts/install-deps.sh", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var (output, errors) = (await stdout, await stderr);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{program} {string.Join(' ', args)} exited {process.ExitCode}: {errors}{output}"));
            }

            return output;
        }
    }
}
