namespace Tusk.Planning;

/// <summary>A role to create or update, the databases it owns, and how its password is generated.</summary>
public sealed record UserPlan(string Name, IReadOnlyList<string> Databases, string Options, string PasswordType);
