using System.Security.Cryptography;
using System.Text;

namespace Tusk.Security;

/// <summary>
/// Writes files atomically: readers (PostgreSQL, Patroni, a concurrent Tusk) see the old file or the new one,
/// never a half-written one. Secrets (passwords, private keys, .pgpass) are owner-only from the moment the file
/// exists, not chmod-ed after the fact, so there is no window in which another user can open them.
/// Contents never appear in exceptions or logs; only paths do.
/// </summary>
public static class SecretFile
{
    /// <summary>0600: what PostgreSQL demands of ssl_key_file and libpq of .pgpass.</summary>
    public const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Atomically replaces <paramref name="path"/> with <paramref name="secret"/> (UTF-8), mode 0600.</summary>
    public static void Write(string path, string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var bytes = Utf8NoBom.GetBytes(secret);
        try
        {
            WriteAtomic(path, bytes, OwnerReadWrite);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Reads a secret file written by <see cref="Write"/>, exactly as stored (no trimming).</summary>
    public static string Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return File.ReadAllText(path, Utf8NoBom);
    }

    /// <summary>
    /// Atomically replaces <paramref name="path"/> with <paramref name="text"/> (UTF-8) and gives it exactly
    /// <paramref name="mode"/>, whatever the umask. For non-secret files such as configuration and certificates.
    /// </summary>
    public static void WriteAllTextAtomic(string path, string text, UnixFileMode mode)
    {
        ArgumentNullException.ThrowIfNull(text);
        WriteAtomic(path, Utf8NoBom.GetBytes(text), mode);
    }

    /// <summary>
    /// As <see cref="WriteAllTextAtomic"/>, unless the file already holds exactly this text: for
    /// files saved again and again (the agent's, every cycle), where a temporary file, an fsync
    /// and a rename cost more than reading the file back. Whether it wrote.
    /// </summary>
    public static bool WriteAllTextAtomicIfChanged(string path, string text, UnixFileMode mode)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (File.Exists(path) && File.ReadAllText(path, Utf8NoBom) == text)
        {
            return false;
        }

        WriteAtomic(path, Utf8NoBom.GetBytes(text), mode);
        return true;
    }

    private static void WriteAtomic(string path, byte[] contents, UnixFileMode mode)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath)
            ?? throw new ArgumentException($"'{path}' has no parent directory.", nameof(path));

        // The temporary file must be in the same directory: rename(2) is only atomic within one file system.
        // The random name keeps concurrent writers of the same file from clobbering each other's temp file.
        var tempPath = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.tmp");
        var options = new FileStreamOptions
        {
            // CreateNew (O_EXCL) never follows or reuses a file someone planted at the temp path.
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            // Passed to open(2), so the file never exists with looser permissions. The umask can only remove bits.
            UnixCreateMode = mode,
        };

        try
        {
            using (var stream = new FileStream(tempPath, options))
            {
                // Put back any bits the umask removed, so a 0644 config file really is 0644 (fchmod on the handle).
                File.SetUnixFileMode(stream.SafeFileHandle, mode);
                stream.Write(contents);
                // fsync before the rename, or a crash could leave the new name pointing at an empty file.
                stream.Flush(flushToDisk: true);
            }

            File.Move(tempPath, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(tempPath);
            throw;
        }
    }
}
