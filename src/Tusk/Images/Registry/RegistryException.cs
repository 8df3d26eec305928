namespace Tusk.Images.Registry;

/// <summary>A registry could not be asked (down, timed out, refused, unreadable answer); the message says what to do.</summary>
public sealed class RegistryException : Exception
{
    public RegistryException(string message, bool unreachable = false) : base(message) => Unreachable = unreachable;

    public RegistryException()
    {
    }

    public RegistryException(string message, Exception inner) : base(message, inner)
    {
    }

    /// <summary>true when the registry did not answer at all (connection refused, timeout), as opposed to answering wrongly.</summary>
    public bool Unreachable { get; }
}
