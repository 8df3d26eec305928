using System.Globalization;

namespace Tusk.Runtime.Local;

/// <summary>
/// How long the server certificates Tusk issues last and how early they are renewed. The
/// defaults are CloudNativePG's (90 days, 7 days before expiry); the agent takes others from
/// TUSK_CERT_LIFETIME_DAYS and TUSK_CERT_RENEW_BEFORE_DAYS in its environment.
/// </summary>
public sealed record CertificatePolicy(TimeSpan Lifetime, TimeSpan RenewBefore)
{
    public const string LifetimeVariable = "TUSK_CERT_LIFETIME_DAYS";
    public const string RenewBeforeVariable = "TUSK_CERT_RENEW_BEFORE_DAYS";

    public static CertificatePolicy Default { get; } = new(TimeSpan.FromDays(90), TimeSpan.FromDays(7));

    /// <summary>The policy the variables describe (the default for each one unset); throws with what to fix when they make no sense.</summary>
    public static CertificatePolicy From(Func<string, string?> variable)
    {
        var lifetime = Days(variable, LifetimeVariable, Default.Lifetime);
        var renewBefore = Days(variable, RenewBeforeVariable, Default.RenewBefore);
        if (renewBefore >= lifetime)
        {
            throw new InvalidOperationException($"{RenewBeforeVariable} ({renewBefore.TotalDays:0}) must be smaller than {LifetimeVariable} ({lifetime.TotalDays:0}), or every certificate would be renewed as soon as it is issued");
        }

        return new CertificatePolicy(lifetime, renewBefore);
    }

    private static TimeSpan Days(Func<string, string?> variable, string name, TimeSpan fallback)
    {
        var text = variable(name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days is >= 1 and <= 3650
            ? TimeSpan.FromDays(days)
            : throw new InvalidOperationException($"{name}=\"{text}\" is not a number of days from 1 to 3650; unset it for the default ({fallback.TotalDays:0})");
    }
}
