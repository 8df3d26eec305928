namespace Tusk.Images.Bundling;

/// <summary>
/// The commands that put images into a local cluster's nodes: pull with docker, then `k3d image
/// import` or `kind load docker-image`; and the commands that show what the nodes hold. Pure, so
/// the same commands are printed when the tools are missing and run when they are there.
/// </summary>
public static class ImportPlan
{
    public static IReadOnlyList<string[]> Commands(string provider, string cluster, IReadOnlyList<string> images)
    {
        var commands = images.Select(i => (string[])["docker", "pull", i]).ToList();
        commands.Add(provider == "k3d"
            ? ["k3d", "image", "import", "--cluster", cluster, .. images]
            : ["kind", "load", "docker-image", "--name", cluster, .. images]);
        return commands;
    }

    /// <summary>crictl in the first server node lists the images the kubelet can use without pulling.</summary>
    public static string[] Verify(string provider, string cluster) =>
        ["docker", "exec", provider == "k3d" ? $"k3d-{cluster}-server-0" : $"{cluster}-control-plane", "crictl", "images"];

    /// <summary>What the plan needs and this machine lacks: docker (or its engine) and the cluster tool.</summary>
    public static IReadOnlyList<string> MissingTools(string provider, Func<string, bool> onPath, bool dockerEngine)
    {
        var missing = new List<string>();
        if (!onPath("docker"))
        {
            missing.Add("docker");
        }
        else if (!dockerEngine)
        {
            missing.Add("a docker engine (no /var/run/docker.sock, no DOCKER_HOST)");
        }

        if (!onPath(provider))
        {
            missing.Add(provider);
        }

        return missing;
    }

    /// <summary>A command as a shell line, each word quoted only when it has to be.</summary>
    public static string ShellLine(IEnumerable<string> command) =>
        string.Join(' ', command.Select(w => w.Length > 0 && w.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:@=+,".Contains(c, StringComparison.Ordinal)) ? w : "'" + w.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
}
