using YamlDotNet.RepresentationModel;

namespace Tusk.Images.Discovery;

/// <summary>Small lookups over YamlDotNet's node tree (kept untyped so any kind of object can be read).</summary>
internal static class YamlNodes
{
    public static YamlNode? Get(this YamlNode? node, string key) =>
        node is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static YamlNode? At(this YamlNode? node, params string[] path)
    {
        foreach (var key in path)
        {
            node = node.Get(key);
        }

        return node;
    }

    public static string? Text(this YamlNode? node) => node is YamlScalarNode s && s.Value is { Length: > 0 } v ? v : null;

    public static bool? Bool(this YamlNode? node) => node.Text() is { } v && bool.TryParse(v, out var b) ? b : null;

    public static long? Long(this YamlNode? node) => node.Text() is { } v && long.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var l) ? l : null;

    public static IEnumerable<YamlNode> Items(this YamlNode? node) => node is YamlSequenceNode s ? s.Children : [];

    public static int Line(this YamlNode? node) => node is null ? 1 : (int)node.Start.Line;
}
