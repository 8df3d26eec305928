namespace Tusk.Api;

/// <summary>The phases of status.restore.</summary>
public static class RestorePhases
{
    public const string Running = "Running";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";

    /// <summary>`tusk restore --abort` gave the restore up and the data from before it is back.</summary>
    public const string Aborted = "Aborted";
}
