using System.Security.Cryptography;

namespace Tusk.Security;

/// <summary>Generates passwords for PostgreSQL roles and for Tusk's own components.</summary>
public static class PasswordGenerator
{
    private const string Letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string Digits = "0123456789";

    // Printable ASCII minus everything that needs escaping somewhere a password travels:
    // - space and the quotes ' " ` : end or confuse quoted values in libpq key=value strings, YAML and shells;
    // - backslash and ':' : the escape and field separator of .pgpass;
    // - '@' '/' '?' '#' '%' : delimiters and the escape character of connection URIs;
    // - '<' '>' '[' ']' '^' '{' '|' '}' : not allowed unescaped in a URI's userinfo by RFC 3986;
    // - '+' : form-style URI decoders turn it into a space;
    // - ';' : separates keywords in Npgsql/ADO.NET connection strings.
    // What remains is the unreserved set and most sub-delims of RFC 3986, so a password can be
    // dropped into postgresql://user:password@host/db verbatim.
    private const string AsciiSymbols = "-._~!$&()*,=";

    private const string AlphaNumericChars = Letters + Digits;
    private const string AsciiChars = Letters + Digits + AsciiSymbols;

    /// <summary>
    /// Returns a password of <paramref name="length"/> characters drawn uniformly from the set of
    /// <paramref name="kind"/>. The default 24 alphanumeric characters carry about 142 bits of entropy.
    /// </summary>
    public static string Generate(PasswordKind kind, int length = 24)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        var choices = kind switch
        {
            PasswordKind.AlphaNumeric => AlphaNumericChars,
            PasswordKind.Ascii => AsciiChars,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown password kind."),
        };

        // GetString uses the OS CSPRNG and rejection sampling, so every character is equally likely
        // (a naive "random byte % count" would favour the first characters of the set).
        return RandomNumberGenerator.GetString(choices, length);
    }
}
