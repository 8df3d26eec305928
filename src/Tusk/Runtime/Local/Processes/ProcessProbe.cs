using System.Globalization;

namespace Tusk.Runtime.Local.Processes;

/// <summary>Looks at processes through /proc: alive (and not a zombie), and still the program we started (PIDs get reused).</summary>
public static class ProcessProbe
{
    public static bool IsAlive(int pid, string? commandFragment = null)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            if (state is 'Z' or 'X')
            {
                return false;
            }

            if (commandFragment is null)
            {
                return true;
            }

            // Empty while the process is between two programs of an exec chain (sh → setsid →
            // setpriv → the server, as ProcessLauncher starts each one): measured here, 4% of
            // reads in a tight loop during such a start. Taken for "exited", that once made the
            // agent start a second HAProxy beside the first, which nothing then stopped. A live
            // process with no command line is still the one that was started.
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline");
            return commandLine.Length == 0 || commandLine.Replace('\0', ' ').Contains(commandFragment, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The PID in a pid file (PostgreSQL's postmaster.pid has it on its first line), or null.</summary>
    public static int? ReadPidFile(string path)
    {
        try
        {
            var first = File.ReadLines(path).FirstOrDefault();
            return int.TryParse(first, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Live processes (not zombies, not this one) whose command line, arguments joined by spaces, satisfies <paramref name="matches"/>.</summary>
    public static IReadOnlyList<int> Find(Func<string, bool> matches)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid != Environment.ProcessId && IsAlive(pid))
            {
                try
                {
                    if (matches(File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ').TrimEnd()))
                    {
                        found.Add(pid);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Gone meanwhile.
                }
            }
        }

        return found;
    }

    /// <summary>Sends a signal; false when the process is already gone.</summary>
    public static bool Signal(int pid, int signal) => Native.Kill(pid, signal) == 0;
}
