using System.Globalization;
using System.Text.Json.Nodes;
using Tusk.Api;
using Tusk.Kubernetes.Builders;

namespace Tusk.Kubernetes.Controller;

/// <summary>
/// Scaling an instance set down removes its StatefulSet's highest ordinals, which may be the
/// primary. Rather than let Kubernetes stop the primary and leave Patroni to fail over (with
/// synchronousMode that can leave no member allowed to promote), the operator holds the set at
/// a size that keeps the primary and asks Patroni for a switchover first, as CloudNativePG does;
/// once the primary is elsewhere the set shrinks. Pure: the spec's sets and the pods in, what to hold out.
/// </summary>
public static class ScaleDownGuard
{
    /// <summary>The primary pod a scale-down would remove (null if none), and the replicas to keep per set meanwhile.</summary>
    public static (string? Primary, IReadOnlyDictionary<string, int> Held) Hold(IReadOnlyList<InstanceSet> sets, bool shutdown, IReadOnlyList<JsonObject> pods)
    {
        var held = new Dictionary<string, int>(StringComparer.Ordinal);
        var primary = pods.FirstOrDefault(p => p["metadata"]?["labels"]?[Labels.Role]?.GetValue<string>() == Labels.RoleLeader);
        if (shutdown || primary?["metadata"]?["name"]?.GetValue<string>() is not { } name
            || primary["metadata"]?["labels"]?[Labels.InstanceSet]?.GetValue<string>() is not { } setName
            || sets.FirstOrDefault(s => s.Name == setName) is not { } set
            || !int.TryParse(name.AsSpan(name.LastIndexOf('-') + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal)
            || ordinal < (set.Replicas ?? 0))
        {
            return (null, held);
        }

        held[setName] = ordinal + 1;
        return (name, held);
    }
}
