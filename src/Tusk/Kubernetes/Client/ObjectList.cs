using System.Text.Json.Nodes;

namespace Tusk.Kubernetes.Client;

/// <summary>A list response: its items and the resourceVersion to watch from.</summary>
public sealed record ObjectList(IReadOnlyList<JsonObject> Items, string ResourceVersion);
