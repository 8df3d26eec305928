using System.Text.Json.Nodes;

namespace Tusk.Tests.Kubernetes.Images;

/// <summary>One image built by scripts/kube-images.sh: its tarball, names, configuration and unpacked runtime bundle.</summary>
public sealed record BuiltImage(string Tarball, IReadOnlyList<string> RepoTags, JsonObject Config, string Bundle)
{
    public string User => Config[nameof(User)]!.GetValue<string>();

    public IReadOnlyList<string> Strings(string key) =>
        Config[key] is JsonArray array ? [.. array.Select(v => v!.GetValue<string>())] : [];

    public string? Env(string name) =>
        Strings("Env").Select(e => e.Split('=', 2)).Where(kv => kv[0] == name).Select(kv => kv[1]).FirstOrDefault();
}
