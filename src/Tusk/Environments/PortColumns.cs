namespace Tusk.Environments;

/// <summary>The four port columns, by their database (and CSV) names, in the seed's order.</summary>
public static class PortColumns
{
    public const string NodePort = "node_port";
    public const string PfPort = "pf_port";
    public const string HttpPort = "http_port";
    public const string HttpsPort = "https_port";

    public static readonly IReadOnlyList<string> All = [NodePort, PfPort, HttpPort, HttpsPort];

    /// <summary>The CLI flag of a column: node_port → --node-port.</summary>
    public static string Flag(string column) => "--" + column.Replace('_', '-');
}
