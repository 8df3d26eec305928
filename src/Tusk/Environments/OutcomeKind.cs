namespace Tusk.Environments;

/// <summary>How a write to the inventory ended; every kind but Ok comes with sentences saying why.</summary>
public enum OutcomeKind
{
    Ok,
    Invalid,
    Conflict,
    NotFound,
    PoolExhausted,
}
