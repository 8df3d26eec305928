namespace Tusk.Api;

/// <summary>The subset of Kubernetes object metadata a manifest may carry.</summary>
public sealed class ObjectMeta
{
    public string? Name { get; set; }
    public string? Namespace { get; set; }
    public Dictionary<string, string>? Labels { get; set; }
    public Dictionary<string, string>? Annotations { get; set; }
}
