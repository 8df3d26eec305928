using System.CommandLine;
using Tusk.Cli.Kubernetes;
using Tusk.Cli.Output;
using Tusk.Runtime.Local;

namespace Tusk.Cli.Commands;

/// <summary>
/// `tusk show user CLUSTER USER`: how to connect as a generated user. The password (and the
/// URIs that embed it) appear only with --show-password (seed 004: nobody could find it).
/// </summary>
public static class ShowUserCommand
{
    public static Command Create(CliContext context)
    {
        var clusterName = new Argument<string>("cluster") { Description = "The cluster's name" };
        var userName = new Argument<string>("user") { Description = "The user's name (default: the first user of the spec)", Arity = ArgumentArity.ZeroOrOne };
        var ns = Options.Namespace();
        var show = new Option<bool>("--show-password") { Description = "Print the password and the URIs that contain it" };
        var output = Options.Output();
        var user = new Command("user", "Show how to connect as a user of a cluster") { clusterName, userName, ns, show, output };
        var kube = new KubeOptions();
        kube.AddTo(user);
        user.SetAction((result, cancel) => kube.RunAsync(result, context,
            target => OnKubernetesAsync(context, target, KubeOptions.Namespace(result, ns, target), result.GetValue(clusterName)!, result.GetValue(userName), result.GetValue(show), result.GetValue(output)!, cancel),
            () => RunAsync(context, result.GetValue(ns)!, result.GetValue(clusterName)!, result.GetValue(userName), result.GetValue(show), result.GetValue(output)!, cancel)));
        return new Command("show", "Show connection details") { user };
    }

    public static async Task<int> RunAsync(CliContext context, string ns, string name, string? userName, bool showPassword, string format, CancellationToken cancel)
    {
        var (cluster, exitCode) = await ClusterLookup.FindAsync(context, ns, name, cancel);
        if (cluster is null)
        {
            return exitCode;
        }

        var user = userName is null ? cluster.Spec.Users!.First() : cluster.Spec.Users!.FirstOrDefault(u => u.Name == userName);
        var password = user is null ? null : new SecretStore(new ClusterDirectory(context.Home.ClusterDirectory(ns, name))).ReadUser(user.Name!);
        if (user is null || password is null)
        {
            await context.Err.WriteLineAsync(user is null
                ? $"error: cluster {name} has no user \"{userName}\"; its users are {string.Join(", ", cluster.Spec.Users!.Select(u => u.Name))}"
                : $"error: the password of {user.Name} has not been generated yet; wait until the cluster is created");
            return ExitCodes.NotFound;
        }

        return await WriteAsync(context, ConnectionDetails.For(cluster, user, password, cluster.Spec.CustomTls?.Ca ?? context.Home.CaCertificate, showPassword), showPassword, format);
    }

    /// <summary>On Kubernetes the operator's Secret holds the same keys; the password and the URIs that embed it are hidden unless asked for.</summary>
    private static async Task<int> OnKubernetesAsync(CliContext context, KubeTarget target, string ns, string name, string? userName, bool showPassword, string format, CancellationToken cancel)
    {
        var (cluster, exitCode) = await ClusterLookup.FindAsync(context, target, ns, name, cancel);
        if (cluster is null)
        {
            return exitCode;
        }

        var user = userName is null ? cluster.Spec.Users?.FirstOrDefault() : cluster.Spec.Users?.FirstOrDefault(u => u.Name == userName);
        var secret = user is null ? null : await target.UserSecretAsync(ns, name, user.Name!, cancel);
        if (user is null || secret is null)
        {
            await context.Err.WriteLineAsync(user is null
                ? $"error: cluster {name} has no user \"{userName}\"; its users are {string.Join(", ", (cluster.Spec.Users ?? []).Select(u => u.Name))}"
                : $"error: the operator has not written Secret {ns}/{Tusk.Kubernetes.Builders.ObjectNames.UserSecret(name, user.Name!)} yet; `tusk describe cluster {name} --context ...` says why");
            return ExitCodes.NotFound;
        }

        var details = secret.ToDictionary(entry => entry.Key, entry => showPassword || !(entry.Key == "password" || entry.Key.EndsWith("uri", StringComparison.Ordinal)) ? entry.Value : ConnectionDetails.Hidden, StringComparer.Ordinal);
        return await WriteAsync(context, details, showPassword, format);
    }

    private static async Task<int> WriteAsync(CliContext context, Dictionary<string, string> details, bool showPassword, string format)
    {
        if (!OutputFormat.TryWriteStructured(context.Out, format, details, Json.Types.DictionaryStringString))
        {
            Table.Write(context.Out, ["KEY", "VALUE"], details.Select(d => (IReadOnlyList<string>)[d.Key, d.Value]));
            if (!showPassword)
            {
                await context.Out.WriteLineAsync("(add --show-password to see the password and the full URIs)");
            }
        }

        return ExitCodes.Ok;
    }
}
