using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Tusk.Images.Discovery;

/// <summary>
/// Finds the images in Kubernetes manifests: every container of every pod template (Pods,
/// Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs; init and ephemeral
/// containers too), pod templates kept inside ConfigMaps (the local-path-provisioner's
/// helperPod.yaml names its busybox image there, where no pod-spec search finds it), and the
/// images a PostgresCluster's pods will run. Pure: text in, uses and problems out.
/// </summary>
public static class ManifestImageScanner
{
    private static readonly Dictionary<string, string[]> PodSpecPaths = new(StringComparer.Ordinal)
    {
        ["Pod"] = ["spec"],
        ["PodTemplate"] = ["template", "spec"],
        ["Deployment"] = ["spec", "template", "spec"],
        ["StatefulSet"] = ["spec", "template", "spec"],
        ["DaemonSet"] = ["spec", "template", "spec"],
        ["ReplicaSet"] = ["spec", "template", "spec"],
        ["ReplicationController"] = ["spec", "template", "spec"],
        ["Job"] = ["spec", "template", "spec"],
        ["CronJob"] = ["spec", "jobTemplate", "spec", "template", "spec"],
    };

    private static readonly (string Field, string Label)[] ContainerLists =
    [
        ("initContainers", "initContainer"),
        ("containers", "container"),
        ("ephemeralContainers", "ephemeralContainer"),
    ];

    /// <param name="environment">The operator's environment: RELATED_IMAGE_* variables give a PostgresCluster's default images.</param>
    public static ImageInventory Scan(string text, string file, IReadOnlyDictionary<string, string>? environment = null)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            return new ImageInventory([], [new ImageProblem(file, (int)e.Start.Line, $"this is not valid YAML: {(e.InnerException?.Message ?? e.Message).TrimEnd('.')}; no image in this file was read")]);
        }
        catch (InvalidOperationException e)
        {
            return new ImageInventory([], [new ImageProblem(file, 1, $"this is not valid YAML ({e.Message}); no image in this file was read")]);
        }

        var uses = new List<ImageUse>();
        var problems = new List<ImageProblem>();
        foreach (var document in stream.Documents)
        {
            ScanObject(document.RootNode, new Context(file, 0, uses, problems, environment ?? new Dictionary<string, string>()));
        }

        return new ImageInventory(uses, problems);
    }

    /// <summary>Where the scan is: the file, the line offset of a document embedded in a ConfigMap value, and the sinks.</summary>
    private sealed record Context(string File, int LineOffset, List<ImageUse> Uses, List<ImageProblem> Problems, IReadOnlyDictionary<string, string> Environment)
    {
        public int LineOf(YamlNode? node) => LineOffset + node.Line();
    }

    private static void ScanObject(YamlNode root, Context context)
    {
        var kind = root.Get("kind").Text();
        if (kind is null)
        {
            return;
        }

        if (kind.EndsWith("List", StringComparison.Ordinal))
        {
            foreach (var item in root.Get("items").Items())
            {
                ScanObject(item, context);
            }

            return;
        }

        var owner = Owner(kind, root);
        if (PodSpecPaths.TryGetValue(kind, out var path))
        {
            ScanPodSpec(root.At(path), owner, "", context);
        }
        else if (kind == "ConfigMap")
        {
            ScanConfigMap(root, owner, context);
        }
        else if (kind == "PostgresCluster")
        {
            PostgresClusterImages.Scan(root, owner, context.File, context.LineOffset, context.Uses, context.Problems, context.Environment);
        }
    }

    private static string Owner(string kind, YamlNode root)
    {
        var name = root.At("metadata", "name").Text() ?? "(unnamed)";
        var ns = root.At("metadata", "namespace").Text();
        return ns is null ? $"{kind}/{name}" : $"{kind}/{ns}/{name}";
    }

    private static void ScanPodSpec(YamlNode? spec, string owner, string prefix, Context context)
    {
        if (spec is not YamlMappingNode)
        {
            return;
        }

        var podSecurity = spec.Get("securityContext");
        foreach (var (field, label) in ContainerLists)
        {
            foreach (var container in spec.Get(field).Items())
            {
                var name = container.Get("name").Text() ?? "(unnamed)";
                var imageNode = container.Get("image");
                var written = imageNode.Text();
                var where = $"{prefix}{label} {name}";
                if (written is null)
                {
                    context.Problems.Add(new ImageProblem(context.File, context.LineOf(container), $"{owner} {where} has no image; set containers[].image"));
                    continue;
                }

                if (!ImageReference.TryParse(written, out var reference, out var error))
                {
                    context.Problems.Add(new ImageProblem(context.File, context.LineOf(imageNode), $"{owner} {where}: \"{written}\" is not a valid image reference: {error}"));
                    continue;
                }

                var security = container.Get("securityContext");
                context.Uses.Add(new ImageUse
                {
                    Image = reference.ToString(),
                    Written = written,
                    File = context.File,
                    Line = context.LineOf(imageNode),
                    Owner = owner,
                    Container = where,
                    PullPolicy = container.Get("imagePullPolicy").Text() ?? ImageUse.DefaultPullPolicy(reference),
                    RunAsNonRoot = (security.Get("runAsNonRoot").Bool() ?? podSecurity.Get("runAsNonRoot").Bool()) == true,
                    RunAsUser = security.Get("runAsUser").Long() ?? podSecurity.Get("runAsUser").Long(),
                });
            }
        }
    }

    /// <summary>Pod templates kept as YAML text in a ConfigMap value (local-path-provisioner's helperPod.yaml).</summary>
    private static void ScanConfigMap(YamlNode root, string owner, Context context)
    {
        if (root.Get("data") is not YamlMappingNode data)
        {
            return;
        }

        foreach (var (keyNode, valueNode) in data.Children)
        {
            var key = keyNode.Text();
            var value = valueNode.Text();
            if (key is null || value is null || !(key.EndsWith(".yaml", StringComparison.Ordinal) || key.EndsWith(".yml", StringComparison.Ordinal)) || !value.Contains("image:", StringComparison.Ordinal))
            {
                continue;
            }

            var inner = new YamlStream();
            try
            {
                inner.Load(new StringReader(value));
            }
            catch (Exception e) when (e is YamlException or InvalidOperationException)
            {
                context.Problems.Add(new ImageProblem(context.File, context.LineOf(valueNode), $"{owner} data.{key} mentions an image but is not valid YAML; its images were not read"));
                continue;
            }

            // A block scalar (|) starts on the line of its indicator; the embedded text's line 1 is the next one.
            var offset = context.LineOf(valueNode) - (valueNode is YamlScalarNode { Style: ScalarStyle.Literal or ScalarStyle.Folded } ? 0 : 1);
            var innerContext = context with { LineOffset = offset };
            foreach (var document in inner.Documents)
            {
                var spec = document.RootNode.Get("kind").Text() == "Pod" ? document.RootNode.Get("spec") : document.RootNode;
                ScanPodSpec(spec, owner, $"data.{key} ", innerContext);
            }
        }
    }
}
