namespace Tusk.Api.Validation;

/// <summary>Errors refuse the manifest; warnings are printed and the manifest is applied.</summary>
public enum Severity
{
    Error,
    Warning,
}
