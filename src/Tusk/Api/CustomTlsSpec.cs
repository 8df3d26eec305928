namespace Tusk.Api;

/// <summary>
/// Your own server certificate instead of one from Tusk's CA: the local counterpart of PGO's
/// customTLSSecret, as three PEM files. Checked before use (the key matches, the chain verifies
/// against the CA, 127.0.0.1 and localhost are covered, not expired); Tusk copies them to every
/// server and never renews them.
/// </summary>
public sealed class CustomTlsSpec
{
    public string? Certificate { get; set; }
    public string? PrivateKey { get; set; }
    public string? Ca { get; set; }
}
