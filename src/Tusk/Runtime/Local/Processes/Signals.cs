namespace Tusk.Runtime.Local.Processes;

/// <summary>Stopping a process politely, then firmly.</summary>
public static class Signals
{
    public static async Task TerminateAsync(int pid, TimeSpan grace, CancellationToken cancel = default)
    {
        ProcessProbe.Signal(pid, Native.SigTerm);
        if (!await WaitForExitAsync(pid, grace, cancel))
        {
            ProcessProbe.Signal(pid, Native.SigKill);
            await WaitForExitAsync(pid, TimeSpan.FromSeconds(5), cancel);
        }
    }

    public static async Task<bool> WaitForExitAsync(int pid, TimeSpan timeout, CancellationToken cancel = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (ProcessProbe.IsAlive(pid))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50, cancel);
        }

        return true;
    }
}
