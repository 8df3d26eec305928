namespace Tusk.Images.Discovery;

/// <summary>Something in a manifest that stops an image from being known: where it is and what to do.</summary>
public sealed record ImageProblem(string File, int Line, string Message)
{
    public override string ToString() => $"{File}:{Line}: {Message}";
}
