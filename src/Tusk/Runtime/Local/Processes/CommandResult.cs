namespace Tusk.Runtime.Local.Processes;

/// <summary>How a one-shot command ended: its exit code and what it printed.</summary>
public sealed record CommandResult(int ExitCode, string Output, string Error)
{
    public bool Ok => ExitCode == 0;

    /// <summary>The last meaningful line of its error output (or output), for a sentence.</summary>
    public string LastWords => (Error.Trim().Length > 0 ? Error : Output).Trim().Split('\n').LastOrDefault(l => l.Trim().Length > 0)?.Trim() ?? $"exit code {ExitCode}";
}
