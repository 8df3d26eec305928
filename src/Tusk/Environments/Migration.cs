namespace Tusk.Environments;

/// <summary>One step of the inventory's schema, applied once, in one transaction, recorded in tusk.schema_migrations.</summary>
public sealed record Migration(int Version, string Name, string Sql);
