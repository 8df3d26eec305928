namespace Tusk.Runtime.Local;

/// <summary>The file modes the state directory uses.</summary>
public static class Modes
{
    public const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode PublicFile = PrivateFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Traversable by the service account, listable by nobody else.</summary>
    public const UnixFileMode SharedDirectory = PrivateDirectory | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
}
