namespace Tusk.Security;

/// <summary>Which characters <see cref="PasswordGenerator"/> draws from.</summary>
public enum PasswordKind
{
    /// <summary>
    /// Letters and digits only. The default for users because such a password survives every place
    /// a password ends up (URIs, .pgpass, YAML, shell variables, Npgsql connection strings) without quoting.
    /// </summary>
    AlphaNumeric,

    /// <summary>
    /// Letters, digits and the punctuation that RFC 3986 allows unescaped in a URI's userinfo
    /// (<c>- . _ ~ ! $ &amp; ( ) * , =</c>). More entropy per character than <see cref="AlphaNumeric"/>
    /// for policies that demand symbols, while still pasting into <c>postgresql://user:password@host</c>
    /// without percent-encoding. See <see cref="PasswordGenerator"/> for what is left out and why.
    /// </summary>
    Ascii,
}
