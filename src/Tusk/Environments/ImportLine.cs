namespace Tusk.Environments;

/// <summary>One line of an import: its number in the file, the environment it names, what became of it and why.</summary>
public sealed record ImportLine(int Line, string Name, ImportResult Result, string? Reason = null);
