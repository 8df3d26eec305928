using System.ComponentModel.DataAnnotations;
namespace Tusk.Api;

/// <summary>A PostgreSQL role Tusk creates, with a generated password and the databases it owns.</summary>
public sealed class UserSpec
{
    [Required]
    [StringLength(63)]
    [RegularExpression(Validation.Dns1123.LabelPattern)]
    public string? Name { get; set; }
    public List<string>? Databases { get; set; }

    /// <summary>Role attributes in CREATE ROLE syntax, e.g. "CREATEDB NOSUPERUSER"; never PASSWORD.</summary>
    public string? Options { get; set; }

    public PasswordSpec? Password { get; set; }
}
