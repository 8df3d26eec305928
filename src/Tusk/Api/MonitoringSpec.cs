namespace Tusk.Api;

/// <summary>Metrics for Prometheus. With <c>exporter</c> present, every instance gets a postgres_exporter.</summary>
public sealed class MonitoringSpec
{
    public ExporterSpec? Exporter { get; set; }
}
