using System.Runtime.InteropServices;

namespace Tusk.Runtime.Local;

/// <summary>
/// Who the servers run as. The agent starts every server as its own user; only when it runs as
/// root (CI, containers) does it use the postgres account, because PostgreSQL refuses root.
/// </summary>
public sealed partial record ServiceAccount(string UserName, int Uid, int Gid, bool AgentIsRoot)
{
    public static ServiceAccount Current()
    {
        var uid = (int)GetEuid();
        if (uid != 0)
        {
            return new ServiceAccount(Environment.UserName, uid, (int)GetEgid(), false);
        }

        var entry = File.ReadLines("/etc/passwd").Select(l => l.Split(':')).FirstOrDefault(f => f[0] == "postgres")
            ?? throw new InvalidOperationException("the agent runs as root but this machine has no postgres account; install postgresql-15 (it creates the account) or run the agent as an ordinary user");
        return new ServiceAccount("postgres", int.Parse(entry[2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(entry[3], System.Globalization.CultureInfo.InvariantCulture), true);
    }

    /// <summary>Gives a path to the service account (only needed when the agent is root).</summary>
    public void Own(string path)
    {
        if (AgentIsRoot && Chown(path, (uint)Uid, (uint)Gid) != 0)
        {
            throw new IOException($"could not give {path} to {UserName}: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Writes a file owned by the service account, atomically, unless it already holds exactly this content. True when it wrote.</summary>
    public bool WriteIfChanged(string path, string content, UnixFileMode mode)
    {
        if (!Tusk.Security.SecretFile.WriteAllTextAtomicIfChanged(path, content, mode))
        {
            return false;
        }

        Own(path);
        return true;
    }

    /// <summary>Creates a directory owned by the service account with the given mode.</summary>
    public string Directory(string path, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute)
    {
        System.IO.Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, mode);
        Own(path);
        return path;
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();

    [LibraryImport("libc", EntryPoint = "getegid")]
    private static partial uint GetEgid();

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, uint owner, uint group);
}
