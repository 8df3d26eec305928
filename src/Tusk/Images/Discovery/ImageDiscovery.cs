namespace Tusk.Images.Discovery;

/// <summary>Reads manifest files (a file, or a directory searched recursively) and scans them. The only I/O of discovery.</summary>
public static class ImageDiscovery
{
    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    public static ImageInventory FromPaths(IEnumerable<string> paths, IReadOnlyDictionary<string, string>? environment = null)
    {
        var inventory = ImageInventory.Empty;
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var files = Directory.EnumerateFiles(path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden })
                    .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal)
                    .ToList();
                if (files.Count == 0)
                {
                    inventory = inventory.Merge(new ImageInventory([], [new ImageProblem(path, 0, "the directory holds no .yaml, .yml or .json file")]));
                }

                foreach (var file in files)
                {
                    inventory = inventory.Merge(FromFile(file, environment));
                }
            }
            else
            {
                inventory = inventory.Merge(FromFile(path, environment));
            }
        }

        return inventory;
    }

    private static ImageInventory FromFile(string file, IReadOnlyDictionary<string, string>? environment)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ImageInventory([], [new ImageProblem(file, 0, $"cannot read the file: {e.Message}")]);
        }

        return ManifestImageScanner.Scan(text, file, environment);
    }

    /// <summary>The RELATED_IMAGE_* variables of this process (the operator's way to name default images).</summary>
    public static IReadOnlyDictionary<string, string> RelatedImagesFromEnvironment() =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Where(e => e.Key is string k && k.StartsWith("RELATED_IMAGE_", StringComparison.Ordinal))
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
}
