namespace Tusk.Runtime.Local.Processes;

/// <summary>How a one-shot command ended: its exit code and what it printed.</summary>
public sealed record CommandResult(int ExitCode, string Output, string Error)
{
    public bool Ok => ExitCode == 0;

    /// <summary>
    /// The last meaningful line of its error output (or output), for a sentence: the last
    /// "ERROR" line when there is one, since pgBackRest follows it with a HINT that alone
    /// misleads ("try using --delta").
    /// </summary>
    public string LastWords
    {
        get
        {
            var lines = (Error.Trim().Length > 0 ? Error : Output).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
            return lines.LastOrDefault(l => l.StartsWith("ERROR", StringComparison.Ordinal)) ?? lines.LastOrDefault() ?? $"exit code {ExitCode}";
        }
    }
}
