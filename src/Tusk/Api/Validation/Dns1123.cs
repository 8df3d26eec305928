using System.Text.RegularExpressions;

namespace Tusk.Api.Validation;

/// <summary>Kubernetes' DNS-1123 label rule, which names of clusters, namespaces, instance sets and users follow.</summary>
public static partial class Dns1123
{
    /// <summary>The pattern, also written into the CRD's schema.</summary>
    public const string LabelPattern = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

    public static bool IsLabel(string value) => Label().IsMatch(value);

    [GeneratedRegex(LabelPattern)]
    private static partial Regex Label();
}
