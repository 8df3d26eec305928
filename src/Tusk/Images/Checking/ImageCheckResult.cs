using System.Text.Json.Serialization;

namespace Tusk.Images.Checking;

/// <summary>What `tusk images check` found for one image: the verdict, why, and what it learnt on the way.</summary>
public sealed record ImageCheckResult
{
    public required string Image { get; init; }
    public required ImageVerdict Verdict { get; init; }

    /// <summary>One sentence: what is wrong and what to do, or what was proven.</summary>
    public required string Message { get; init; }

    /// <summary>The digest the reference resolves to (of the index for a multi-arch image).</summary>
    public string? Digest { get; init; }

    /// <summary>The platforms the image offers.</summary>
    public IReadOnlyList<string> Platforms { get; init; } = [];

    /// <summary>The user in the image config for the target platform; null when none is set (root).</summary>
    public string? User { get; init; }

    /// <summary>What could not be proven either way, e.g. shared_preload_libraries.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Where the image is used (from discovery), for the report.</summary>
    public IReadOnlyList<string> UsedBy { get; init; } = [];

    [JsonIgnore]
    public bool Passed => Verdict == ImageVerdict.Ok;

    /// <summary>The verdict as people read it: "missing tag", "runs as root".</summary>
    public static string Words(ImageVerdict verdict) => verdict switch
    {
        ImageVerdict.Ok => "ok",
        ImageVerdict.MissingTag => "missing tag",
        ImageVerdict.MissingRepository => "missing repository",
        ImageVerdict.WrongPlatform => "wrong platform",
        ImageVerdict.RunsAsRoot => "runs as root",
        ImageVerdict.NonNumericUser => "non-numeric user",
        ImageVerdict.Unauthorized => "unauthorized",
        ImageVerdict.Unreachable => "unreachable",
        ImageVerdict.MissingLibrary => "missing library",
        _ => "error",
    };
}
