namespace Tusk.Api;

/// <summary>One server certificate in use: whose it is, its serial number and when it expires (Tusk renews it 7 days before).</summary>
public sealed record CertificateStatus(string Name, string Serial, DateTimeOffset NotAfter);
