namespace Tusk.Planning;

/// <summary>One PostgreSQL instance (a Patroni member), named as Crunchy PGO names pods: &lt;cluster&gt;-&lt;set&gt;-&lt;n&gt;.</summary>
public sealed record MemberPlan(string Name, string InstanceSet, int Ordinal);
