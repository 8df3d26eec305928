namespace Tusk.Api;

/// <summary>The phases of status.restore.</summary>
public static class RestorePhases
{
    public const string Running = "Running";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";
}
