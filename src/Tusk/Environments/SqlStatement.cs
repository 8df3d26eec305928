namespace Tusk.Environments;

/// <summary>SQL text with positional parameters ($1, $2, ...) and their values, built without I/O so it can be unit-tested.</summary>
public sealed record SqlStatement(string Text, IReadOnlyList<object> Parameters);
