namespace Tusk.Images.Checking;

/// <summary>
/// Where PostgreSQL libraries are in an image's file tree, from its layers' entries in order.
/// A library named in shared_preload_libraries ("pgaudit", "$libdir/pgaudit") is present when a
/// file "pgaudit.so" lies under a PostgreSQL directory: /usr/lib/postgresql/16/lib (Debian),
/// /usr/pgsql-16/lib (Crunchy, RHEL), /usr/local/lib/postgresql (the official image). Whiteouts
/// in later layers (".wh.name", and ".wh..wh..opq" for a whole directory) remove earlier files.
/// </summary>
public sealed class LibraryFinder
{
    private readonly HashSet<string> _files = new(StringComparer.Ordinal);

    /// <summary>Adds one layer's entries (paths as in the tar, regular files and whiteout markers).</summary>
    public void AddLayer(IEnumerable<string> paths)
    {
        var added = new List<string>();
        foreach (var raw in paths)
        {
            var path = raw.TrimStart('.', '/');
            var slash = path.LastIndexOf('/');
            var directory = slash < 0 ? "" : path[..(slash + 1)];
            var name = path[(slash + 1)..];
            if (name == ".wh..wh..opq")
            {
                _files.RemoveWhere(f => f.StartsWith(directory, StringComparison.Ordinal));
            }
            else if (name.StartsWith(".wh.", StringComparison.Ordinal))
            {
                var removed = directory + name[4..];
                _files.RemoveWhere(f => f == removed || f.StartsWith(removed + "/", StringComparison.Ordinal));
            }
            else
            {
                added.Add(path);
            }
        }

        // A layer's whiteouts apply to the layers below it, never to its own files.
        _files.UnionWith(added);
    }

    /// <summary>The library's file name: "$libdir/pgaudit" and "/x/pgaudit.so" are both "pgaudit.so".</summary>
    public static string FileName(string library)
    {
        var name = library.Trim().Trim('\'', '"');
        name = name[(name.LastIndexOf('/') + 1)..];
        return name.EndsWith(".so", StringComparison.Ordinal) ? name : name + ".so";
    }

    /// <summary>The path where the library was found (with a leading /), or null.</summary>
    public string? Find(string library)
    {
        var file = FileName(library);
        return _files.Where(f => f.EndsWith("/" + file, StringComparison.Ordinal) && (f.Contains("postgresql", StringComparison.Ordinal) || f.Contains("pgsql", StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)
            .Select(f => "/" + f)
            .FirstOrDefault();
    }
}
