namespace Tusk.Environments;

/// <summary>A line of a CSV file that cannot be imported, and why.</summary>
public sealed record CsvProblem(int Line, string Message)
{
    public override string ToString() => $"line {Line}: {Message}";
}
