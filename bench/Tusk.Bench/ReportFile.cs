namespace Tusk.Bench;

/// <summary>Replaces one benchmark's table in docs/benchmarks.md: the text between its `&lt;!-- bench-NAME:begin --&gt;` and `&lt;!-- bench-NAME:end --&gt;` markers.</summary>
public static class ReportFile
{
    public static async Task WriteAsync(string path, string marker, string report)
    {
        var text = await File.ReadAllTextAsync(path);
        string begin = $"<!-- {marker}:begin -->", end = $"<!-- {marker}:end -->";
        var from = text.IndexOf(begin, StringComparison.Ordinal);
        var to = text.IndexOf(end, StringComparison.Ordinal);
        if (from < 0 || to < from)
        {
            throw new InvalidOperationException($"{path} has no {begin} … {end} block to write into");
        }

        await File.WriteAllTextAsync(path, text[..(from + begin.Length)] + "\n" + report + text[to..]);
    }
}
