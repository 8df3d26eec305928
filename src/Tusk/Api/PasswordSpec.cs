using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
namespace Tusk.Api;

/// <summary>How a user's generated password looks.</summary>
public sealed class PasswordSpec
{
    /// <summary>AlphaNumeric (the default) or ASCII.</summary>
    [AllowedValues("AlphaNumeric", "ASCII")]
    [DefaultValue(ClusterDefaults.PasswordType)]
    public string? Type { get; set; }
}
