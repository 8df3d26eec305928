namespace Tusk.Runtime.Local;

/// <summary>The two ports of a member: PostgreSQL's and Patroni's REST API.</summary>
public sealed record MemberPorts(int Postgres, int Rest);
