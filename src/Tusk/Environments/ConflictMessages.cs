namespace Tusk.Environments;

/// <summary>The sentences a user sees when the database refuses a value another environment holds.</summary>
public static class ConflictMessages
{
    public static string PortHeld(string column, int port, string holder, string holderColumn) =>
        $"{column} {port} is already used by {holder} (as {holderColumn})";

    public static string SubnetOverlaps(string subnet, string other, string holder) =>
        subnet == other ? $"subnet {subnet} is already used by {holder}" : $"subnet {subnet} overlaps {other} of {holder}";

    public static string AlreadyExists(string name) =>
        $"environment {name} already exists; change it with `tusk env set {name} ...` or remove it with `tusk env rm {name}`";

    public static string NotFound(string name) => $"environment {name} is not in the inventory; `tusk env list` shows what is";

    public static string PoolExhausted(string column, string pool) =>
        $"no free {column} is left in its pool {pool}; free one with `tusk env rm`, give a value, or widen the pool in env.conf";
}
