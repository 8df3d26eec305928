namespace Tusk.Api;

/// <summary>Where a new cluster's data comes from instead of initdb (PGO's spec.dataSource).</summary>
public sealed class DataSourceSpec
{
    public PostgresClusterDataSource? PostgresCluster { get; set; }
}
