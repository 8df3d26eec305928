namespace Tusk.Api;

/// <summary>How a user's generated password looks.</summary>
public sealed class PasswordSpec
{
    /// <summary>AlphaNumeric (the default) or ASCII.</summary>
    public string? Type { get; set; }
}
