namespace Tusk.Kubernetes.Client;

/// <summary>
/// One kind of object the API serves, enough to build its URLs: group ("" for the core group),
/// version, plural resource name and whether it lives in a namespace.
/// </summary>
public sealed record ApiResource(string Group, string Version, string Kind, string Plural, bool Namespaced = true)
{
    public static readonly ApiResource Namespace = new("", "v1", "Namespace", "namespaces", Namespaced: false);
    public static readonly ApiResource ConfigMap = new("", "v1", "ConfigMap", "configmaps");
    public static readonly ApiResource Secret = new("", "v1", "Secret", "secrets");
    public static readonly ApiResource Service = new("", "v1", "Service", "services");
    public static readonly ApiResource ServiceAccount = new("", "v1", "ServiceAccount", "serviceaccounts");
    public static readonly ApiResource Pod = new("", "v1", "Pod", "pods");
    public static readonly ApiResource Endpoints = new("", "v1", "Endpoints", "endpoints");
    public static readonly ApiResource StatefulSet = new("apps", "v1", "StatefulSet", "statefulsets");
    public static readonly ApiResource Deployment = new("apps", "v1", "Deployment", "deployments");
    public static readonly ApiResource Job = new("batch", "v1", "Job", "jobs");
    public static readonly ApiResource PersistentVolumeClaim = new("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims");
    public static readonly ApiResource Role = new("rbac.authorization.k8s.io", "v1", "Role", "roles");
    public static readonly ApiResource RoleBinding = new("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings");
    public static readonly ApiResource PodDisruptionBudgetV1 = new("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets");
    public static readonly ApiResource PodDisruptionBudgetV1Beta1 = new("policy", "v1beta1", "PodDisruptionBudget", "poddisruptionbudgets");
    public static readonly ApiResource CustomResourceDefinition = new("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", Namespaced: false);
    public static readonly ApiResource PostgresCluster = new("tusk.dev", "v1", "PostgresCluster", "postgresclusters");
    public static readonly ApiResource Lease = new("coordination.k8s.io", "v1", "Lease", "leases");
    public static readonly ApiResource Event = new("", "v1", "Event", "events");

    /// <summary>Every resource above, to find one by an object's apiVersion and kind.</summary>
    public static readonly IReadOnlyList<ApiResource> Known =
    [
        Namespace, ConfigMap, Secret, Service, ServiceAccount, Pod, Endpoints, StatefulSet, Deployment, Job, PersistentVolumeClaim, Role, RoleBinding,
        PodDisruptionBudgetV1, PodDisruptionBudgetV1Beta1, CustomResourceDefinition, PostgresCluster, Lease, Event,
    ];

    /// <summary>The resource of an object, from its apiVersion and kind.</summary>
    public static ApiResource Of(System.Text.Json.Nodes.JsonObject obj)
    {
        var apiVersion = obj["apiVersion"]?.GetValue<string>();
        var kind = obj["kind"]?.GetValue<string>();
        return Known.FirstOrDefault(r => r.ApiVersion == apiVersion && r.Kind == kind)
            ?? throw new ArgumentException($"no known resource for apiVersion {apiVersion}, kind {kind}", nameof(obj));
    }

    /// <summary>"v1" for the core group, "apps/v1" otherwise: the apiVersion field of its objects.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The collection's path, e.g. /apis/apps/v1/namespaces/db/statefulsets.</summary>
    public string CollectionPath(string? ns)
    {
        var root = Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";
        if (!Namespaced || ns is null)
        {
            return $"{root}/{Plural}";
        }

        return $"{root}/namespaces/{Uri.EscapeDataString(ns)}/{Plural}";
    }

    public string ObjectPath(string? ns, string name) => $"{CollectionPath(ns)}/{Uri.EscapeDataString(name)}";
}
