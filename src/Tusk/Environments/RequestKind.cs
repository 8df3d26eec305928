namespace Tusk.Environments;

/// <summary>What a request says about one value (subnet or port).</summary>
public enum RequestKind
{
    /// <summary>Not mentioned: an add leaves it empty, a set keeps the current value.</summary>
    Unchanged,

    /// <summary>"none" or an empty CSV field: no value.</summary>
    Empty,

    /// <summary>"auto": the lowest free value of the column's pool, allocated by the database.</summary>
    Auto,

    /// <summary>A given value, already validated and in canonical form.</summary>
    Exact,
}
