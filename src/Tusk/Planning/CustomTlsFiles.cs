namespace Tusk.Planning;

/// <summary>The user's own server certificate, key and CA (PEM files), used by every server of the cluster instead of Tusk-issued ones.</summary>
public sealed record CustomTlsFiles(string Certificate, string PrivateKey, string Ca);
