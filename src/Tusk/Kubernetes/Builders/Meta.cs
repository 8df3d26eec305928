using System.Text.Json.Nodes;
using Tusk.Api;

namespace Tusk.Kubernetes.Builders;

/// <summary>Object metadata: name, namespace, labels, and the owner reference that lets Kubernetes' garbage collector delete the object with its cluster.</summary>
internal static class Meta
{
    public static JsonObject Owned(BuildRequest r, string name, JsonObject labels) => new()
    {
        ["name"] = name,
        ["namespace"] = r.Namespace,
        ["labels"] = labels,
        ["ownerReferences"] = new JsonArray(new JsonObject
        {
            ["apiVersion"] = ApiVersions.Tusk,
            ["kind"] = ApiVersions.Kind,
            ["name"] = r.Name,
            ["uid"] = r.Uid,
            ["controller"] = true,
            ["blockOwnerDeletion"] = true,
        }),
    };

    /// <summary>
    /// Metadata without an owner reference, for what must outlive its cluster unless asked
    /// (volume claims): the operator's finalizer deletes them only under
    /// spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Delete.
    /// </summary>
    public static JsonObject Unowned(BuildRequest r, string name, JsonObject labels) => new()
    {
        ["name"] = name,
        ["namespace"] = r.Namespace,
        ["labels"] = labels,
    };

    public static JsonObject Object(string apiVersion, string kind, JsonObject metadata) => new()
    {
        ["apiVersion"] = apiVersion,
        ["kind"] = kind,
        ["metadata"] = metadata,
    };

    public static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)v).ToArray());
}
