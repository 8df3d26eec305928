using Tusk.Security;

namespace Tusk.Runtime.Local;

/// <summary>
/// Generated passwords of one cluster, one file each, mode 0600 in a 0700 directory owned by
/// the agent's user. Generated once from a CSPRNG and never rewritten, so a password stays
/// what `tusk show user` printed.
/// </summary>
public sealed class SecretStore(ClusterDirectory directory)
{
    public ClusterSecrets Ensure(IEnumerable<(string User, PasswordKind Kind)> users)
    {
        Directory.CreateDirectory(directory.Secrets);
        File.SetUnixFileMode(directory.Secrets, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new ClusterSecrets(
            Get("superuser", PasswordKind.AlphaNumeric),
            Get("replication", PasswordKind.AlphaNumeric),
            Get("rewind", PasswordKind.AlphaNumeric),
            Get("restapi", PasswordKind.AlphaNumeric),
            Get("pgbouncer", PasswordKind.AlphaNumeric),
            Get("monitor", PasswordKind.AlphaNumeric),
            users.ToDictionary(u => u.User, u => Get($"user-{u.User}", u.Kind)));
    }

    public string? ReadUser(string user) => File.Exists(directory.UserSecret(user)) ? SecretFile.Read(directory.UserSecret(user)) : null;

    private string Get(string name, PasswordKind kind)
    {
        var path = Path.Combine(directory.Secrets, name);
        if (File.Exists(path))
        {
            return SecretFile.Read(path);
        }

        var password = PasswordGenerator.Generate(kind);
        SecretFile.Write(path, password);
        return password;
    }
}
