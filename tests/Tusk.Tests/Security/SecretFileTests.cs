using System.Runtime.Versioning;
using Tusk.Security;

namespace Tusk.Tests.Security;

// Tusk itself is Linux-only ([assembly: SupportedOSPlatform("linux")]).
[SupportedOSPlatform("linux")]
public sealed class SecretFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tusk-secretfile-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Secret_files_are_created_readable_and_writable_by_the_owner_only()
    {
        var path = Path.Combine(_directory, "pgpass");
        SecretFile.Write(path, "localhost:5432:*:postgres:s3cret\n");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal("localhost:5432:*:postgres:s3cret\n", SecretFile.Read(path));
    }

    [Fact]
    public void Overwriting_a_world_readable_file_with_a_secret_leaves_it_0600()
    {
        var path = Path.Combine(_directory, "server.key");
        File.WriteAllText(path, "old");
        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);

        SecretFile.Write(path, "new");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal("new", SecretFile.Read(path));
    }

    [Fact]
    public void A_write_of_the_text_a_file_already_holds_leaves_the_file_untouched_and_a_different_text_replaces_it()
    {
        var path = Path.Combine(_directory, "status.json");
        var old = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        SecretFile.WriteAllTextAtomicIfChanged(path, "{}", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.SetLastWriteTimeUtc(path, old);

        SecretFile.WriteAllTextAtomicIfChanged(path, "{}", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal(old, File.GetLastWriteTimeUtc(path));

        SecretFile.WriteAllTextAtomicIfChanged(path, "{\"a\":1}", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.NotEqual(old, File.GetLastWriteTimeUtc(path));
        Assert.Equal("{\"a\":1}", File.ReadAllText(path));
    }

    [Fact]
    public void Atomic_writes_leave_no_temporary_files_behind()
    {
        var path = Path.Combine(_directory, "patroni.yml");
        SecretFile.WriteAllTextAtomic(path, "scope: main\n", (UnixFileMode)0b110_100_100);
        SecretFile.WriteAllTextAtomic(path, "scope: other\n", (UnixFileMode)0b110_100_100);
        SecretFile.Write(Path.Combine(_directory, "password"), "x");

        Assert.Equal(["password", "patroni.yml"], Directory.GetFiles(_directory).Select(Path.GetFileName).Order());
        Assert.Equal("scope: other\n", File.ReadAllText(path));
    }

    [Fact]
    public void Non_secret_files_get_exactly_the_requested_mode()
    {
        var path = Path.Combine(_directory, "ca.crt");
        var rw_r__r__ = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

        SecretFile.WriteAllTextAtomic(path, "-----BEGIN CERTIFICATE-----\n", rw_r__r__);

        Assert.Equal(rw_r__r__, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Text_is_written_as_UTF8_without_a_byte_order_mark()
    {
        var path = Path.Combine(_directory, "note");
        SecretFile.Write(path, "é");

        Assert.Equal([0xC3, 0xA9], File.ReadAllBytes(path));
    }

    [Fact]
    public void Writing_into_a_missing_directory_fails_without_leaving_anything()
    {
        var path = Path.Combine(_directory, "missing", "secret");

        Assert.ThrowsAny<IOException>(() => SecretFile.Write(path, "x"));
        Assert.Empty(Directory.GetFileSystemEntries(_directory));
    }
}
