using System.Diagnostics;
using Tusk.Runtime.Local;

namespace Tusk.Tests.Images;

/// <summary>
/// Debian's docker-registry (distribution 2.8) started on a free loopback port with filesystem
/// storage in a temporary directory and a config of our own (the packaged service, on :5000 with
/// htpasswd, is never used). Killed by its own PID on dispose, never by name.
/// </summary>
public sealed class RegistryProcess : IDisposable
{
    private Process? _process;

    public string Root { get; } = Directory.CreateTempSubdirectory("tusk-registry-").FullName;
    public int Port { get; } = PortAllocator.FreePort(new HashSet<int>());
    public string Host => $"127.0.0.1:{Port}";
    private string Log => Path.Combine(Root, "registry.log");

    public string ReadLog()
    {
        try
        {
            return File.Exists(Log) ? File.ReadAllText(Log) : "(no log)";
        }
        catch (IOException)
        {
            return "(log unreadable)";
        }
    }

    /// <summary>The directory the registry stores images in; another registry may be started over it to serve the same images.</summary>
    public string Storage => Path.Combine(Root, "storage");

    /// <param name="storage">Serve another registry's storage (default: this one's own).</param>
    /// <param name="auth">An `auth:` section, e.g. token authentication (default: none, anyone may pull and push).</param>
    public async Task StartAsync(string? storage = null, string? auth = null)
    {
        var config = Path.Combine(Root, "config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: info
            storage:
              filesystem:
                rootdirectory: {storage ?? Storage}
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{Port}
            {auth ?? ""}
            """);
        var info = new ProcessStartInfo("/usr/bin/docker-registry") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add(config);
        if (!File.Exists(info.FileName))
        {
            throw new InvalidOperationException("/usr/bin/docker-registry is not installed; run scripts/install-deps.sh (Debian package docker-registry)");
        }

        _process = Process.Start(info)!;
        var log = File.AppendText(Log);
        log.AutoFlush = true;
        _process.OutputDataReceived += (_, e) => { lock (log) { if (e.Data is not null) { log.WriteLine(e.Data); } } };
        _process.ErrorDataReceived += (_, e) => { lock (log) { if (e.Data is not null) { log.WriteLine(e.Data); } } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"docker-registry exited with {_process.ExitCode}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri($"http://{Host}/v2/"));
                if (response.IsSuccessStatusCode || response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"docker-registry did not answer on {Host} within 30s");
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(); // this PID only: other people's registries and tests run on this machine
            _process.WaitForExit(10_000);
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temporary directory left behind harms nobody
        }
    }
}
