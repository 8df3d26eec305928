using Tusk.Api.Reading;

namespace Tusk.Api.Validation;

/// <summary>
/// One thing wrong with a manifest: where (field path, and file:line:column once the source map
/// is known) and a sentence that names the value and what was expected.
/// </summary>
public sealed record Problem(string Path, string Message, Severity Severity = Severity.Error, SourceLocation? Location = null)
{
    public static Problem Warning(string path, string message) => new(path, message, Severity.Warning);

    /// <summary>"hippo.yaml:12:9: spec.instances[0].replicas: ..." — the shape compilers use, so editors can jump to it.</summary>
    public override string ToString()
    {
        var where = Location is null ? "" : $"{Location}: ";
        var kind = Severity == Severity.Warning ? "warning: " : "";
        var what = Path.Length == 0 ? "" : $"{Path}: ";
        return $"{where}{kind}{what}{Message}";
    }
}
