namespace Tusk.Environments;

/// <summary>
/// An add or a set: the name, and for every other value whether it stays, is emptied, is
/// allocated by the database, or is given. Ports are keyed by column name (<see cref="PortColumns"/>).
/// </summary>
public sealed record EnvironmentRequest(
    string Name,
    string? Provider,
    ValueRequest Subnet,
    IReadOnlyDictionary<string, ValueRequest> Ports,
    IReadOnlyDictionary<string, string>? Labels = null,
    IReadOnlyList<string>? RemovedLabels = null)
{
    public ValueRequest PortRequest(string column) => Ports.TryGetValue(column, out var request) ? request : ValueRequest.Unchanged;

    public bool AllocatesAnything => Subnet.Kind == RequestKind.Auto || PortColumns.All.Any(c => PortRequest(c).Kind == RequestKind.Auto);

    /// <summary>The exact ports of this request, column by column in the seed's order.</summary>
    public IEnumerable<(string Column, int Port)> ExactPorts() =>
        PortColumns.All.Where(c => PortRequest(c).Kind == RequestKind.Exact).Select(c => (c, PortRequest(c).ExactPort()));

    /// <summary>An add where everything not given is allocated: what `tusk env add NAME --provider P` does.</summary>
    public static EnvironmentRequest AllAuto(string name, string provider) =>
        new(name, provider, ValueRequest.Auto, PortColumns.All.ToDictionary(c => c, _ => ValueRequest.Auto));
}
