using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tusk.Kubernetes.Client;

/// <summary>What a command run in a pod (<see cref="KubeClient.ExecAsync"/>) wrote, and how it ended.</summary>
public sealed record ExecResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>
    /// The exit code from the Status the API server sends on the error channel when the command
    /// ends: "Success" is 0, a NonZeroExitCode failure carries it as the ExitCode cause; -1 when
    /// the command never ran (no such container, exec refused) or the stream ended without a Status.
    /// </summary>
    public static int ExitCodeOf(string status)
    {
        try
        {
            if (JsonNode.Parse(status) is not JsonObject s)
            {
                return -1;
            }

            if (s["status"]?.GetValue<string>() == "Success")
            {
                return 0;
            }

            var code = s["details"]?["causes"]?.AsArray()
                .FirstOrDefault(c => c?["reason"]?.GetValue<string>() == "ExitCode")?["message"]?.GetValue<string>();
            return int.TryParse(code, NumberStyles.Integer, CultureInfo.InvariantCulture, out var exit) ? exit : -1;
        }
        catch (JsonException)
        {
            return -1;
        }
    }

    public bool Succeeded => ExitCode == 0;
}
