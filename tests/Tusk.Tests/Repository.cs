namespace Tusk.Tests;

/// <summary>Files of this repository (deploy/, examples/), found from the test's working directory upwards.</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    public static string File(string relative) => Path.Combine(Root, relative);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Tusk.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Tusk.slnx above {AppContext.BaseDirectory}");
    }
}
