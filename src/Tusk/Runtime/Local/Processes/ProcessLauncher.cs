using System.Diagnostics;
using System.Globalization;

namespace Tusk.Runtime.Local.Processes;

/// <summary>
/// Starts servers detached from the agent: a session of their own (setsid), output appended to
/// a log file the shell opens (no pipe to the agent, so the agent can die without taking them
/// along), and, when the agent is root, the service account's identity through setpriv. Every
/// step execs, so the PID the agent records is the server's own.
/// </summary>
public sealed class ProcessLauncher(ServiceAccount account)
{
    public int Start(ProcessSpec spec)
    {
        var info = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = spec.WorkingDirectory,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec \"$@\" >>\"$TUSK_LOG\" 2>&1 </dev/null");
        info.ArgumentList.Add("sh");
        info.ArgumentList.Add("setsid");
        if (account.AgentIsRoot)
        {
            foreach (var a in new[] { "setpriv", $"--reuid={account.UserName}", $"--regid={account.UserName}", "--init-groups", "--reset-env" })
            {
                info.ArgumentList.Add(a);
            }
        }

        info.ArgumentList.Add(spec.Executable);
        foreach (var argument in spec.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Clear();
        info.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
        info.Environment["LANG"] = "C.UTF-8";
        info.Environment["HOME"] = Environment.GetEnvironmentVariable("HOME") ?? "/";
        info.Environment["TUSK_LOG"] = spec.LogFile;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {spec.Name}");
        File.WriteAllText(spec.PidFile, process.Id.ToString(CultureInfo.InvariantCulture));
        return process.Id;
    }
}
