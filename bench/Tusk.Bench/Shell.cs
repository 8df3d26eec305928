using System.Diagnostics;

namespace Tusk.Bench;

/// <summary>Runs programs for the benchmarks: tusk itself and the baselines' tools.</summary>
public static class Shell
{
    public static async Task<(int Exit, string Out)> RunAsync(string program, IEnumerable<string> args, IDictionary<string, string>? env = null, bool check = true)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            info.Environment[k] = v;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}{await stdout}");
        }

        return (process.ExitCode, await stdout);
    }

    /// <summary>Runs a command as the postgres account (PostgreSQL refuses root), as the agent does.</summary>
    public static Task<(int Exit, string Out)> AsPostgresAsync(params string[] command) =>
        Environment.IsPrivilegedProcess
            ? RunAsync("setpriv", new[] { "--reuid=postgres", "--regid=postgres", "--init-groups", "--reset-env" }.Concat(command))
            : RunAsync(command[0], command.Skip(1));
}
