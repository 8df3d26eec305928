namespace Tusk.Runtime.Local.Processes;

/// <summary>
/// One server the agent keeps running: adopted from its pid file when already alive, restarted
/// with exponential backoff (0.5 s doubling to 30 s, reset after a minute of good health) when not.
/// </summary>
public sealed class SupervisedProcess(ProcessSpec spec, ProcessLauncher launcher, TimeProvider clock)
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Healthy = TimeSpan.FromMinutes(1);
    private TimeSpan _delay = TimeSpan.Zero;
    private DateTimeOffset _notBefore = DateTimeOffset.MinValue;
    private DateTimeOffset _startedAt;

    public ProcessSpec Spec { get; } = spec;
    public int? Pid { get; private set; }
    public int Restarts { get; private set; }

    public bool IsAlive => Pid is { } pid && ProcessProbe.IsAlive(pid, Spec.Identity);

    /// <summary>True when the last <see cref="Ensure"/> launched the process: it read its configuration just now, and is too young for a reload signal.</summary>
    public bool JustLaunched { get; private set; }

    /// <summary>Makes sure the process runs. Returns a sentence when it did something, null when all was well.</summary>
    public string? Ensure()
    {
        JustLaunched = false;
        if (IsAlive)
        {
            if (clock.GetUtcNow() - _startedAt > Healthy)
            {
                _delay = TimeSpan.Zero;
            }

            return null;
        }

        if (Pid is null && ProcessProbe.ReadPidFile(Spec.PidFile) is { } recorded && ProcessProbe.IsAlive(recorded, Spec.Identity))
        {
            Pid = recorded;
            _startedAt = clock.GetUtcNow();
            return $"adopted {Spec.Name} (pid {recorded}) left running by an earlier agent";
        }

        var now = clock.GetUtcNow();
        if (now < _notBefore)
        {
            return null;
        }

        var wasRunning = Pid is not null;
        var lastWords = wasRunning ? LogTail.LastLine(Spec.LogFile) : null; // before the new process writes
        Pid = launcher.Start(Spec);
        JustLaunched = true;
        _startedAt = now;
        if (wasRunning)
        {
            Restarts++;
            _delay = _delay == TimeSpan.Zero ? FirstDelay : TimeSpan.FromTicks(Math.Min(_delay.Ticks * 2, MaxDelay.Ticks));
            _notBefore = now + _delay;
            var said = lastWords is null ? "" : $" (its log ended: {lastWords})";
            return $"restarted {Spec.Name} (pid {Pid}) because it had exited{said}; next restart no sooner than {_delay.TotalSeconds:0.#} s";
        }

        return $"started {Spec.Name} (pid {Pid})";
    }

    /// <summary>Holds restarts back until the given time (used while a failover settles).</summary>
    public void HoldUntil(DateTimeOffset time) => _notBefore = time;

    /// <summary>SIGTERM, then SIGKILL after the grace period. Returns once the process is gone.</summary>
    public async Task StopAsync(TimeSpan grace, CancellationToken cancel = default)
    {
        var pid = Pid ?? ProcessProbe.ReadPidFile(Spec.PidFile);
        if (pid is { } p && ProcessProbe.IsAlive(p, Spec.Identity))
        {
            await Signals.TerminateAsync(p, grace, cancel);
        }

        Pid = null;
        File.Delete(Spec.PidFile);
    }
}
