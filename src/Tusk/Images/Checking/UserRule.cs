using System.Globalization;
using Tusk.Images.Discovery;

namespace Tusk.Images.Checking;

/// <summary>
/// The kubelet's runAsNonRoot rule, applied before any pod exists. With runAsNonRoot the kubelet
/// refuses a container whose user is 0 ("image will run as root") and one whose user is a name,
/// because it cannot resolve names without the image's /etc/passwd ("image has non-numeric user
/// (postgres), cannot verify user is non-root"). A runAsUser in the pod overrides the image's user.
/// </summary>
public static class UserRule
{
    /// <summary>null when the use may run; else the verdict and the message that says what to do.</summary>
    public static (ImageVerdict Verdict, string Message)? Check(string? imageUser, ImageUse use)
    {
        if (!use.RunAsNonRoot)
        {
            return null;
        }

        if (use.RunAsUser is { } forced)
        {
            return forced == 0
                ? (ImageVerdict.RunsAsRoot, $"runAsNonRoot is set with runAsUser: 0 ({use.Where}); the kubelet refuses it: set runAsUser to a non-zero id")
                : null;
        }

        var user = imageUser?.Split(':')[0];
        if (string.IsNullOrEmpty(user) || user == "root" || (long.TryParse(user, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id == 0))
        {
            return (ImageVerdict.RunsAsRoot, $"the image runs as root ({(string.IsNullOrEmpty(imageUser) ? "no USER set" : $"USER {imageUser}")}) while runAsNonRoot is set ({use.Where}): the kubelet will refuse it (\"container has runAsNonRoot and image will run as root\"); use an image with a numeric non-root USER or set securityContext.runAsUser");
        }

        if (!long.TryParse(user, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return (ImageVerdict.NonNumericUser, $"the image's USER is the name \"{user}\" while runAsNonRoot is set ({use.Where}): the kubelet will refuse it (\"image has non-numeric user ({user}), cannot verify user is non-root\"); set securityContext.runAsUser to that user's numeric id (from the image's /etc/passwd, e.g. 26 or 999)");
        }

        return null;
    }
}
