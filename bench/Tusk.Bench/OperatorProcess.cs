using System.Diagnostics;
using System.Globalization;
using System.Text;
using Tusk.Runtime.Local;

namespace Tusk.Bench;

/// <summary>
/// `tusk operator run` as its own process against a <see cref="KubeApiServer"/>, so its CPU time
/// (utime + stime from /proc/PID/stat) and peak resident set (VmHWM from /proc/PID/status) are
/// its own. The token is in a 0600 kubeconfig file, never in the arguments; its output goes to
/// operator.log in the directory it is given. Killed by PID.
/// </summary>
public sealed class OperatorProcess : IAsyncDisposable
{
    private static readonly double TicksPerSecond = ClockTicks();
    private readonly Process _process;
    private readonly HttpClient _probes;

    private OperatorProcess(Process process, int probePort)
    {
        _process = process;
        _probes = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{probePort}"), Timeout = TimeSpan.FromSeconds(5) };
    }

    public int Pid => _process.Id;

    public static OperatorProcess Start(string tusk, KubeApiServer server, string watchNamespace, string directory, IDictionary<string, string> relatedImages)
    {
        var kubeconfig = Path.Combine(directory, "kubeconfig");
        File.WriteAllText(kubeconfig, "");
        File.SetUnixFileMode(kubeconfig, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(kubeconfig, $"""
            apiVersion: v1
            kind: Config
            current-context: bench
            clusters:
              - name: bench
                cluster:
                  server: {server.Server}
                  certificate-authority-data: {Convert.ToBase64String(Encoding.UTF8.GetBytes(server.CaPem))}
            users:
              - name: admin
                user:
                  token: {server.AdminToken}
            contexts:
              - name: bench
                context: {"{"}cluster: bench, user: admin, namespace: {watchNamespace}{"}"}
            """);
        var probePort = PortAllocator.FreePort(new HashSet<int>());
        // A published tusk.dll runs through dotnet; the apphost (artifacts/tusk/tusk) directly.
        var dll = tusk.EndsWith(".dll", StringComparison.Ordinal);
        var info = new ProcessStartInfo(dll ? "dotnet" : tusk) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (dll ? [tusk] : Array.Empty<string>()).Concat(["operator", "run", "--kubeconfig", kubeconfig]))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["TUSK_WATCH_NAMESPACES"] = watchNamespace;
        info.Environment["TUSK_PROBE_ADDRESS"] = $"127.0.0.1:{probePort}";
        info.Environment.Remove("KUBERNETES_SERVICE_HOST");
        foreach (var (key, value) in relatedImages)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info)!;
        var log = new StreamWriter(Path.Combine(directory, "operator.log")) { AutoFlush = false };
        var gate = new Lock();
        void Write(string? line)
        {
            if (line is not null)
            {
                lock (gate)
                {
                    log.WriteLine(line);
                }
            }
        }

        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.Exited += (_, _) =>
        {
            lock (gate)
            {
                log.Dispose();
            }
        };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new OperatorProcess(process, probePort);
    }

    /// <summary>Waits until /readyz says ok: the operator leads and its PostgresCluster watch has listed.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"tusk operator exited with code {_process.ExitCode}");
            }

            try
            {
                using var response = await _probes.GetAsync(new Uri("/readyz", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"tusk operator was not ready within {timeout.TotalSeconds} s");
    }

    /// <summary>The operator's /metrics text.</summary>
    public Task<string> MetricsAsync() => _probes.GetStringAsync(new Uri("/metrics", UriKind.Relative));

    /// <summary>CPU seconds (user + system) the process has used so far.</summary>
    public double CpuSeconds => CpuSecondsOf(Pid);

    /// <summary>The peak resident set so far, in MiB (VmHWM).</summary>
    public double PeakRssMiB => StatusKiB(Pid, "VmHWM:") / 1024.0;

    /// <summary>The resident set now, in MiB (VmRSS).</summary>
    public double RssMiB => StatusKiB(Pid, "VmRSS:") / 1024.0;

    public static double CpuSecondsOf(int pid)
    {
        // Fields after the command name, which is in parentheses and may contain spaces: utime and stime are the 12th and 13th.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    private static long StatusKiB(int pid, string field) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field, StringComparison.Ordinal))[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);

    private static double ClockTicks()
    {
        var info = new ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true, UseShellExecute = false };
        using var getconf = Process.Start(info)!;
        var text = getconf.StandardOutput.ReadToEnd();
        getconf.WaitForExit();
        return double.Parse(text.Trim(), CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        _probes.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(); // our own PID only
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
