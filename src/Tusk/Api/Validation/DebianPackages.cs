namespace Tusk.Api.Validation;

/// <summary>Which Debian package provides a PostgreSQL library, so an error can say what to install (seed 004 lost hours to pgaudit.so).</summary>
public static class DebianPackages
{
    private static readonly Dictionary<string, string> Packages = new(StringComparer.OrdinalIgnoreCase)
    {
        ["pgaudit"] = "postgresql-{0}-pgaudit",
        ["pg_cron"] = "postgresql-{0}-cron",
        ["pg_repack"] = "postgresql-{0}-repack",
        ["pglogical"] = "postgresql-{0}-pglogical",
        ["pg_partman_bgw"] = "postgresql-{0}-partman",
        ["timescaledb"] = "timescaledb-2-postgresql-{0} (from Timescale's repository)",
        ["citus"] = "postgresql-{0}-citus",
        ["pg_stat_statements"] = "postgresql-{0}",
        ["auto_explain"] = "postgresql-{0}",
        ["pg_hint_plan"] = "postgresql-{0}-pg-hint-plan",
        ["postgis-3"] = "postgresql-{0}-postgis-3",
        ["vector"] = "postgresql-{0}-pgvector",
    };

    public static string ForLibrary(string library, int version) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, Packages.GetValueOrDefault(library, "the package that provides " + library + ".so for postgresql-{0}"), version);
}
