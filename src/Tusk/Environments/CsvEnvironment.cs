namespace Tusk.Environments;

/// <summary>One valid line of an inventory CSV file: its line number and what it asks for.</summary>
public sealed record CsvEnvironment(int Line, EnvironmentRequest Request);
