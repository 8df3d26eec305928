namespace Tusk.Kubernetes.Builders;

/// <summary>The passwords of the roles Patroni uses itself.</summary>
public sealed record InternalPasswords(string Superuser, string Replication, string Rewind)
{
    public override string ToString() => "InternalPasswords { <redacted> }";
}
