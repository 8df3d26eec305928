namespace Tusk.Api;

/// <summary>
/// Marks a field that only the Kubernetes runtime uses. The local runtime accepts it (so one
/// manifest serves both) and reports that it is ignored, with the reason.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class KubernetesOnlyAttribute(string reason) : Attribute
{
    public string Reason { get; } = reason;
}
