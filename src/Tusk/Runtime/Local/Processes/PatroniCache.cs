namespace Tusk.Runtime.Local.Processes;

/// <summary>
/// Patroni's copy of the cluster's dynamic configuration, which it saves into the data
/// directory at the end of a loop in which that configuration changed (Patroni 3.0.2,
/// config.py save_cache: a temporary file "patroni.dynamic.json.XXXX", then renamed).
/// </summary>
public static class PatroniCache
{
    private const string FileName = "patroni.dynamic.json";

    /// <summary>
    /// True when a directory holds Patroni's saved configuration and nothing else: Patroni
    /// refuses to copy the primary into it, and emptying it loses nothing. Stops at the first other
    /// entry: a live data directory holds dozens, and this runs every cycle.
    /// </summary>
    public static bool IsAllThatIsIn(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return false;
        }

        var any = false;
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory))
        {
            if (!Path.GetFileName(entry).StartsWith(FileName, StringComparison.Ordinal))
            {
                return false;
            }

            any = true;
        }

        return any;
    }
}
