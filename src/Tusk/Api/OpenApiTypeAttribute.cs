namespace Tusk.Api;

/// <summary>
/// The OpenAPI type ("object" or "array") of a field Tusk passes through without looking inside
/// (a <see cref="System.Text.Json.Nodes.JsonNode"/> such as tolerations or affinity), so the CRD
/// still refuses a value of the wrong shape while preserving whatever it contains.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OpenApiTypeAttribute(string type) : Attribute
{
    public string Type { get; } = type;
}
