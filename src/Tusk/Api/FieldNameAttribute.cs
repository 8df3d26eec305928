namespace Tusk.Api;

/// <summary>
/// The manifest key of a property when it is not the camelCase of the property name
/// (Patroni's own keys such as <c>pg_hba</c> keep their snake_case spelling).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FieldNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
