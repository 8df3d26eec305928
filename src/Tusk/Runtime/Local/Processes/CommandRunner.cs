using System.Diagnostics;

namespace Tusk.Runtime.Local.Processes;

/// <summary>
/// Runs a one-shot command (pgbackrest, pg_ctl ...) as the service account and waits for it,
/// capturing what it prints. For servers that must outlive the agent, see <see cref="ProcessLauncher"/>.
/// </summary>
public sealed class CommandRunner(ServiceAccount account)
{
    public async Task<CommandResult> RunAsync(string executable, IEnumerable<string> arguments, CancellationToken cancel)
    {
        var info = new ProcessStartInfo(account.AgentIsRoot ? "setpriv" : executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = "/",
        };
        if (account.AgentIsRoot)
        {
            foreach (var a in new[] { $"--reuid={account.UserName}", $"--regid={account.UserName}", "--init-groups", "--reset-env", executable })
            {
                info.ArgumentList.Add(a);
            }
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
        info.Environment["LANG"] = "C.UTF-8";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {executable}");
        var output = process.StandardOutput.ReadToEndAsync(cancel);
        var error = process.StandardError.ReadToEndAsync(cancel);
        try
        {
            await process.WaitForExitAsync(cancel);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new CommandResult(process.ExitCode, await output, await error);
    }
}
