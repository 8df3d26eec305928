namespace Tusk.Images.Checking;

/// <summary>One verdict per image. Only Ok lets the image through; Unreachable means "not known", not "broken".</summary>
public enum ImageVerdict
{
    Ok,
    MissingTag,
    MissingRepository,
    WrongPlatform,
    RunsAsRoot,
    NonNumericUser,
    Unauthorized,
    Unreachable,
    Failed,
    MissingLibrary,
}
