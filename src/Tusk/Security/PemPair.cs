namespace Tusk.Security;

/// <summary>
/// A certificate and its private key, both PEM: <c>CERTIFICATE</c> and unencrypted PKCS#8 <c>PRIVATE KEY</c>,
/// the forms PostgreSQL (ssl_cert_file/ssl_key_file), libpq (sslcert/sslkey) and Patroni read directly.
/// Write <see cref="PrivateKeyPem"/> with <see cref="SecretFile"/>: PostgreSQL refuses a key file others can read.
/// </summary>
public sealed record PemPair(string CertificatePem, string PrivateKeyPem)
{
    // The compiler-generated ToString would print the private key into any log or exception
    // message that interpolates this record.
    public override string ToString() => "PemPair { CertificatePem = " + CertificatePem + ", PrivateKeyPem = <redacted> }";
}
