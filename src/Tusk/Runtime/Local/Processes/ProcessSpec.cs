namespace Tusk.Runtime.Local.Processes;

/// <summary>What to run for one supervised server: the program, its arguments (never secrets), and where its output goes.</summary>
public sealed record ProcessSpec(string Name, string Executable, IReadOnlyList<string> Arguments, string LogFile, string PidFile, string WorkingDirectory)
{
    /// <summary>A fragment of /proc/PID/cmdline that identifies this process after a PID is read back from its pid file.</summary>
    public string Identity => Arguments.Count > 0 ? Arguments[^1] : Executable;
}
