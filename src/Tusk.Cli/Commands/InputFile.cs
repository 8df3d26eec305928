namespace Tusk.Cli.Commands;

/// <summary>Reads a file named on the command line, "-" meaning standard input; says why when it cannot.</summary>
public static class InputFile
{
    /// <returns>The text, or null after an error line naming the file.</returns>
    public static async Task<string?> ReadAsync(CliContext context, string path, CancellationToken cancel)
    {
        try
        {
            return path == "-" ? await Console.In.ReadToEndAsync(cancel) : await File.ReadAllTextAsync(path, cancel);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await context.Err.WriteLineAsync($"error: cannot read {path}: {e.Message}");
            return null;
        }
    }
}
