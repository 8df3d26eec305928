namespace Tusk.Api.Reading;

/// <summary>A place in a manifest file; line and column count from 1.</summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}
