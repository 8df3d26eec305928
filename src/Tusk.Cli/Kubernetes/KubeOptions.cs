using System.CommandLine;
using Tusk.Kubernetes.Client;

namespace Tusk.Cli.Kubernetes;

/// <summary>
/// --kubeconfig and --context, shared by the commands that work on both runtimes. Either of
/// them, or TUSK_CONTEXT in the environment, sends the command to Kubernetes; without them it
/// goes to the local agent, so a KUBECONFIG set for other tools changes nothing.
/// </summary>
public sealed class KubeOptions
{
    public const string ContextVariable = "TUSK_CONTEXT";

    private readonly Option<string?> _kubeconfig = new("--kubeconfig") { Description = "Work on Kubernetes with this kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)" };
    private readonly Option<string?> _context = new("--context") { Description = $"Work on Kubernetes in this kubeconfig context (also ${ContextVariable})" };

    public void AddTo(Command command)
    {
        command.Options.Add(_kubeconfig);
        command.Options.Add(_context);
    }

    /// <summary>The Kubernetes target the options name, or null for the local agent; Error says why a named one cannot be used.</summary>
    public (KubeTarget? Target, string? Error) Select(ParseResult result)
    {
        var kubeconfig = result.GetValue(_kubeconfig);
        var context = result.GetValue(_context) ?? (Environment.GetEnvironmentVariable(ContextVariable) is { Length: > 0 } named ? named : null);
        if (kubeconfig is null && context is null)
        {
            return (null, null);
        }

        try
        {
            return (new KubeTarget(new KubeClient(KubeConfig.FromKubeconfig(kubeconfig, context))), null);
        }
        catch (KubeConfigException e)
        {
            return (null, e.Message);
        }
    }

    /// <summary>-n when given, else the kubeconfig context's namespace (as kubectl does).</summary>
    public static string Namespace(ParseResult result, Option<string> ns, KubeTarget target) =>
        result.GetResult(ns) is { Implicit: false } ? result.GetValue(ns)! : target.DefaultNamespace;

    /// <summary>
    /// Runs <paramref name="onKubernetes"/> when the options name a Kubernetes target, else
    /// <paramref name="locally"/>; a kubeconfig that cannot be used is an error that changes nothing.
    /// </summary>
    public async Task<int> RunAsync(ParseResult result, CliContext context, Func<KubeTarget, Task<int>> onKubernetes, Func<Task<int>> locally)
    {
        var (target, error) = Select(result);
        if (error is not null)
        {
            await context.Err.WriteLineAsync($"error: {error}");
            return ExitCodes.InvalidInput;
        }

        using (target)
        {
            return target is null ? await locally() : await onKubernetes(target);
        }
    }
}
