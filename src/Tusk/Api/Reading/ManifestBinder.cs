using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using Tusk.Api.Validation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Tusk.Api.Reading;

/// <summary>
/// Binds a YAML node tree to the resource types by reflection, strictly: unknown keys and wrong
/// types become problems (every one of them, not just the first), and each field's position is
/// recorded in the source map. One binder for all types keeps the manifest's shape defined in
/// exactly one place: the C# types.
/// </summary>
internal sealed class ManifestBinder(SourceMap map)
{
    public List<Problem> Problems { get; } = [];

    /// <summary>Fields present in the manifest that only the Kubernetes runtime uses: (path, reason).</summary>
    public List<(string Path, string Reason)> KubernetesOnlyFields { get; } = [];

    public T Bind<T>(YamlNode node, string path)
        where T : new()
    {
        // The root has a place too, so a problem with a field that was never written (metadata.name) still gets a line.
        map.Add(path, (int)node.Start.Line, (int)node.Start.Column);
        return (T)(BindObject(node, typeof(T), path) ?? new T());
    }

    private object? Bind(YamlNode node, Type type, string path)
    {
        map.Add(path, (int)node.Start.Line, (int)node.Start.Column);
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (IsNull(node))
        {
            return null;
        }

        if (target == typeof(JsonNode))
        {
            return ToJson(node);
        }

        if (target == typeof(string))
        {
            return Scalar(node, path, "a string") is { } s ? s.Value : null;
        }

        if (target == typeof(int))
        {
            return ParseScalar(node, path, "an integer", v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : null);
        }

        if (target == typeof(bool))
        {
            return ParseScalar(node, path, "true or false", v => v switch { "true" => true, "false" => false, _ => (object?)null });
        }

        if (target.IsGenericType && target.GetGenericTypeDefinition() == typeof(List<>))
        {
            return BindList(node, target, path);
        }

        if (target.IsGenericType && target.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            return BindStringMap(node, path);
        }

        return BindObject(node, target, path);
    }

    [UnconditionalSuppressMessage("Trimming", "IL2067", Justification = Resources)]
    private object? BindObject(YamlNode node, Type type, string path)
    {
        if (node is not YamlMappingNode mapping)
        {
            Problems.Add(new Problem(path, $"expected a mapping (key: value pairs), got {Describe(node)}"));
            return null;
        }

        var instance = Activator.CreateInstance(type)!;
        var properties = FieldsOf(type);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (Key(keyNode, path) is not { } key)
            {
                continue;
            }

            var childPath = path.Length == 0 ? key : $"{path}.{key}";
            if (!properties.TryGetValue(key, out var property))
            {
                map.Add(childPath, (int)keyNode.Start.Line, (int)keyNode.Start.Column);
                var suggestion = Suggestions.Closest(key, properties.Keys);
                var hint = suggestion is null
                    ? $"the fields allowed here are: {string.Join(", ", properties.Keys)}"
                    : $"did you mean \"{suggestion}\"?";
                Problems.Add(new Problem(childPath, $"unknown field \"{key}\"; {hint}"));
                continue;
            }

            MarkBlockValue(childPath, keyNode, valueNode);

            // A field written empty ("spec:") keeps its initial value: null, or an empty object for metadata and spec.
            if (Bind(valueNode, property.PropertyType, childPath) is not { } value)
            {
                continue;
            }

            property.SetValue(instance, value);
            if (property.GetCustomAttribute<KubernetesOnlyAttribute>() is { } only)
            {
                KubernetesOnlyFields.Add((childPath, only.Reason));
            }
        }

        return instance;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2067", Justification = Resources)]
    private object? BindList(YamlNode node, Type listType, string path)
    {
        if (node is not YamlSequenceNode sequence)
        {
            Problems.Add(new Problem(path, $"expected a list, got {Describe(node)}"));
            return null;
        }

        var list = (System.Collections.IList)Activator.CreateInstance(listType)!;
        var itemType = listType.GetGenericArguments()[0];
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            if (IsNull(sequence.Children[i]))
            {
                map.Add($"{path}[{i}]", (int)sequence.Children[i].Start.Line, (int)sequence.Children[i].Start.Column);
                Problems.Add(new Problem($"{path}[{i}]", "this list item is empty; write its value after the '-' or remove the line"));
                continue;
            }

            if (Bind(sequence.Children[i], itemType, $"{path}[{i}]") is { } item)
            {
                list.Add(item);
            }
        }

        return list;
    }

    /// <summary>Maps such as parameters: any key, scalar values kept as their text (PostgreSQL parses them).</summary>
    private Dictionary<string, string>? BindStringMap(YamlNode node, string path)
    {
        if (node is not YamlMappingNode mapping)
        {
            Problems.Add(new Problem(path, $"expected a mapping (key: value pairs), got {Describe(node)}"));
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (Key(keyNode, path) is not { } key)
            {
                continue;
            }

            var childPath = $"{path}.{key}";
            MarkBlockValue(childPath, keyNode, valueNode);
            map.Add(childPath, (int)valueNode.Start.Line, (int)valueNode.Start.Column);
            if (Scalar(valueNode, childPath, "a single value (string, number or boolean)") is { } scalar)
            {
                result[key] = scalar.Value ?? "";
            }
        }

        return result;
    }

    private object? ParseScalar(YamlNode node, string path, string expected, Func<string, object?> parse)
    {
        if (Scalar(node, path, expected) is not { } scalar)
        {
            return null;
        }

        // A quoted "3" is a string, as Kubernetes would also say; only plain scalars are numbers and booleans.
        var value = scalar.Style is ScalarStyle.Plain ? parse(scalar.Value ?? "") : null;
        if (value is null)
        {
            var hint = scalar.Style is not ScalarStyle.Plain && parse(scalar.Value ?? "") is not null
                ? $"; write it without quotes: {scalar.Value}"
                : "";
            Problems.Add(new Problem(path, $"expected {expected}, got {Describe(node)}{hint}"));
        }

        return value;
    }

    /// <summary>
    /// A value written on the lines below its key (a block mapping or list) is located at its key:
    /// "backups:" is where a problem with all of spec.backups belongs, not the first line inside it.
    /// A value on the key's own line is located at the value itself, which names what is wrong.
    /// </summary>
    private void MarkBlockValue(string path, YamlNode keyNode, YamlNode valueNode)
    {
        if (valueNode.Start.Line > keyNode.Start.Line)
        {
            map.Add(path, (int)keyNode.Start.Line, (int)keyNode.Start.Column);
        }
    }

    /// <summary>A mapping key, which must be a plain name; a list or mapping used as a key is reported.</summary>
    private string? Key(YamlNode keyNode, string path)
    {
        if (keyNode is YamlScalarNode scalar)
        {
            return scalar.Value ?? "";
        }

        var location = new SourceLocation(map.File, (int)keyNode.Start.Line, (int)keyNode.Start.Column);
        Problems.Add(new Problem(path, $"a key must be a name, got {Describe(keyNode)}; write \"name: value\"", Severity.Error, location));
        return null;
    }

    private YamlScalarNode? Scalar(YamlNode node, string path, string expected)
    {
        if (node is YamlScalarNode scalar)
        {
            return scalar;
        }

        Problems.Add(new Problem(path, $"expected {expected}, got {Describe(node)}"));
        return null;
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    internal static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode { Style: ScalarStyle.Plain } s => s.Value ?? "null",
        YamlScalarNode s => $"\"{s.Value}\"",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => "an alias",
    };

    /// <summary>Free-form sub-trees (affinity, volume claims ...) kept as JSON, with YAML 1.2 core scalar typing.</summary>
    internal static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode m => new JsonObject(m.Children.Select(c => KeyValuePair.Create(c.Key is YamlScalarNode k ? k.Value ?? "" : c.Key.ToString(), ToJson(c.Value)))),
        YamlSequenceNode s => new JsonArray(s.Children.Select(ToJson).ToArray()),
        YamlScalarNode s when IsNull(s) => null,
        YamlScalarNode { Style: ScalarStyle.Plain } s when long.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
        YamlScalarNode { Style: ScalarStyle.Plain } s when double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: "true" } => JsonValue.Create(true),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: "false" } => JsonValue.Create(false),
        YamlScalarNode s => JsonValue.Create(s.Value),
        _ => null,
    };

    /// <summary>Why the reflection here survives trimming.</summary>
    private const string Resources = "The resource types (namespace Tusk.Api) keep their constructors and properties in trimmed and native AOT builds: src/Tusk/ILLink.Descriptors.xml roots them, and `tusk crd` in the AOT build is checked against the regular one.";

    private static readonly Dictionary<Type, Dictionary<string, PropertyInfo>> FieldCache = [];

    /// <summary>The manifest keys of a type, in declaration order (for the "allowed fields" hint).</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = Resources)]
    internal static Dictionary<string, PropertyInfo> FieldsOf(Type type)
    {
        lock (FieldCache)
        {
            if (!FieldCache.TryGetValue(type, out var fields))
            {
                fields = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .Where(p => p.CanWrite && p.GetCustomAttribute<System.Text.Json.Serialization.JsonIgnoreAttribute>() is not { Condition: System.Text.Json.Serialization.JsonIgnoreCondition.Always })
                    .ToDictionary(FieldName, p => p, StringComparer.Ordinal);
                FieldCache[type] = fields;
            }

            return fields;
        }
    }

    internal static string FieldName(PropertyInfo property) =>
        property.GetCustomAttribute<FieldNameAttribute>()?.Name ?? JsonNamingPolicyCamel(property.Name);

    private static string JsonNamingPolicyCamel(string name) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name);
}
