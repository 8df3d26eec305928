using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tusk.Security;

/// <summary>
/// Computes PostgreSQL's SCRAM-SHA-256 password verifier (what <c>pg_authid.rolpassword</c> holds).
/// Tusk sends the verifier instead of the password in <c>CREATE ROLE ... PASSWORD '...'</c> and
/// <c>ALTER ROLE</c>, so the plaintext never reaches the server, its log or pg_stat_statements.
/// </summary>
public static class ScramVerifier
{
    /// <summary>PostgreSQL's default iteration count (<c>scram_iterations</c>, fixed before PostgreSQL 16).</summary>
    public const int DefaultIterations = 4096;

    /// <summary>PostgreSQL's salt length (SCRAM_DEFAULT_SALT_LEN).</summary>
    public const int SaltLength = 16;

    private const int KeyLength = 32;

    /// <summary>
    /// Returns <c>SCRAM-SHA-256$&lt;iterations&gt;:&lt;salt&gt;$&lt;StoredKey&gt;:&lt;ServerKey&gt;</c> (base64 parts),
    /// byte for byte what PostgreSQL stores for the same password, salt and iteration count.
    /// A random 16-byte salt is used when <paramref name="salt"/> is null.
    /// </summary>
    /// <exception cref="ArgumentException">The password is empty or not pure ASCII.</exception>
    public static string Compute(string password, byte[]? salt = null, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);

        // PostgreSQL refuses to store an empty password (it clears the password instead), so a
        // verifier for one would silently leave the role without a password.
        if (password.Length == 0)
        {
            throw new ArgumentException("An empty password cannot be used.", nameof(password));
        }

        // PostgreSQL and libpq run the password through SASLprep (RFC 4013) before hashing. For pure
        // ASCII input pg_saslprep returns it unchanged, so UTF-8 bytes are exactly what the server
        // and client hash. For anything else SASLprep normalises (NFKC) and maps characters, which
        // we do not reimplement: a verifier computed without it could fail to match what libpq sends
        // at login. Passwords Tusk generates are always ASCII.
        if (!Ascii.IsValid(password))
        {
            throw new ArgumentException(
                "Only ASCII passwords are supported (PostgreSQL applies SASLprep to other passwords).",
                nameof(password));
        }

        salt ??= RandomNumberGenerator.GetBytes(SaltLength);
        if (salt.Length == 0)
        {
            throw new ArgumentException("The salt must not be empty.", nameof(salt));
        }

        var passwordBytes = Encoding.ASCII.GetBytes(password);
        var saltedPassword = Rfc2898DeriveBytes.Pbkdf2(passwordBytes, salt, iterations, HashAlgorithmName.SHA256, KeyLength);
        var clientKey = HMACSHA256.HashData(saltedPassword, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        var serverKey = HMACSHA256.HashData(saltedPassword, "Server Key"u8);

        // ClientKey and SaltedPassword are password equivalents (SaltedPassword lets anyone log in):
        // wipe them rather than leave them in the heap. StoredKey and ServerKey are what we publish.
        CryptographicOperations.ZeroMemory(passwordBytes);
        CryptographicOperations.ZeroMemory(saltedPassword);
        CryptographicOperations.ZeroMemory(clientKey);

        return string.Create(
            CultureInfo.InvariantCulture,
            $"SCRAM-SHA-256${iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}");
    }
}
