namespace Tusk.Runtime.Local;

/// <summary>The ports of a member: PostgreSQL's, Patroni's REST API and, with monitoring on, its exporter's.</summary>
public sealed record MemberPorts(int Postgres, int Rest, int? Exporter = null);
