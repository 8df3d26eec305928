namespace Tusk.Images.Registry;

/// <summary>How to talk to registries: which may use plain HTTP, how long to wait, whose credentials.</summary>
public sealed record RegistryOptions
{
    /// <summary>Registries (host or host:port, as in image references) the user marked insecure: plain HTTP, never HTTPS.</summary>
    public IReadOnlySet<string> Insecure { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long one request may take, connecting included.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public RegistryCredentials Credentials { get; init; } = RegistryCredentials.None;
}
