using System.Runtime.InteropServices;

namespace Tusk.Runtime.Local.Processes;

/// <summary>The two libc calls process supervision needs.</summary>
internal static partial class Native
{
    public const int SigHup = 1;
    public const int SigQuit = 3;
    public const int SigKill = 9;
    public const int SigUsr2 = 12;
    public const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}
