namespace Tusk.Environments;

/// <summary>
/// The lines of a CSV file: the valid ones, every problem found (a file with any problem is
/// imported not at all), and how many data lines it has (header, blank lines and comments excluded).
/// </summary>
public sealed record CsvParseResult(IReadOnlyList<CsvEnvironment> Rows, IReadOnlyList<CsvProblem> Problems, int DataLines);
