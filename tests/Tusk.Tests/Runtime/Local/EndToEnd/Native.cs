using System.Runtime.InteropServices;

namespace Tusk.Tests.Runtime.Local.EndToEnd;

/// <summary>kill(2), for tests that play the crash.</summary>
internal static partial class Native
{
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}
