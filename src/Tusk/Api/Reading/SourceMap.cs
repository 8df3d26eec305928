using Tusk.Api.Validation;

namespace Tusk.Api.Reading;

/// <summary>
/// Where each field path of one manifest document was written, so problems found after
/// parsing (by validation, or by the agent) can still point at file:line:column.
/// </summary>
public sealed class SourceMap(string file)
{
    private readonly Dictionary<string, SourceLocation> _locations = new(StringComparer.Ordinal);

    public string File { get; } = file;

    public void Add(string path, int line, int column) => _locations.TryAdd(path, new SourceLocation(File, line, column));

    /// <summary>The location of the path, or of its nearest written ancestor (a defaulted field has none of its own).</summary>
    public SourceLocation? Find(string path)
    {
        for (var p = path; ; p = Parent(p))
        {
            if (_locations.TryGetValue(p, out var location))
            {
                return location;
            }

            if (p.Length == 0)
            {
                return null;
            }
        }
    }

    public Problem Locate(Problem problem) => problem.Location is null ? problem with { Location = Find(problem.Path) } : problem;

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "" : path[..cut];
    }
}
