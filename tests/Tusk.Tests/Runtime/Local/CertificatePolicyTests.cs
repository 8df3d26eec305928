using Tusk.Runtime.Local;

namespace Tusk.Tests.Runtime.Local;

public sealed class CertificatePolicyTests
{
    private static Func<string, string?> Variables(params (string Name, string Value)[] set) =>
        name => set.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Without_variables_certificates_last_90_days_and_are_renewed_7_days_before_expiry()
    {
        Assert.Equal(new CertificatePolicy(TimeSpan.FromDays(90), TimeSpan.FromDays(7)), CertificatePolicy.From(Variables()));
    }

    [Fact]
    public void The_variables_set_lifetime_and_renewal_window_in_days()
    {
        var policy = CertificatePolicy.From(Variables(("TUSK_CERT_LIFETIME_DAYS", "30"), ("TUSK_CERT_RENEW_BEFORE_DAYS", "10")));

        Assert.Equal(TimeSpan.FromDays(30), policy.Lifetime);
        Assert.Equal(TimeSpan.FromDays(10), policy.RenewBefore);
    }

    [Theory]
    [InlineData("TUSK_CERT_LIFETIME_DAYS", "90d", "TUSK_CERT_LIFETIME_DAYS=\"90d\" is not a number of days from 1 to 3650; unset it for the default (90)")]
    [InlineData("TUSK_CERT_RENEW_BEFORE_DAYS", "0", "TUSK_CERT_RENEW_BEFORE_DAYS=\"0\" is not a number of days from 1 to 3650; unset it for the default (7)")]
    [InlineData("TUSK_CERT_RENEW_BEFORE_DAYS", "90", "TUSK_CERT_RENEW_BEFORE_DAYS (90) must be smaller than TUSK_CERT_LIFETIME_DAYS (90), or every certificate would be renewed as soon as it is issued")]
    public void Nonsense_is_refused_with_what_to_fix(string name, string value, string message)
    {
        var e = Assert.Throws<InvalidOperationException>(() => CertificatePolicy.From(Variables((name, value))));

        Assert.Equal(message, e.Message);
    }
}
