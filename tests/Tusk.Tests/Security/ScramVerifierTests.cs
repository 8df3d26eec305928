using System.Runtime.Versioning;
using Tusk.Security;

namespace Tusk.Tests.Security;

// Tusk itself is Linux-only ([assembly: SupportedOSPlatform("linux")]).
[SupportedOSPlatform("linux")]
public class ScramVerifierTests
{
    // Produced by PostgreSQL 15.x: SET password_encryption = 'scram-sha-256'; CREATE ROLE x PASSWORD 'pencil';
    // SELECT rolpassword FROM pg_authid WHERE rolname = 'x';
    private const string PencilVerifier =
        "SCRAM-SHA-256$4096:v/zbUhW9z7MDPROE0ga0aQ==$k4I/2vC9piZcHATEMFgZXd4145b/Mq9Z0JOOs9E+C5k=:GR0Lu2SUtW/zMkVTHbjVwuaj9Qj19nksHc12UecLhzQ=";

    // The same server, CREATE ROLE y PASSWORD 'Tusk-1.x_~!$&()*,=' (symbols of PasswordKind.Ascii).
    private const string SymbolsVerifier =
        "SCRAM-SHA-256$4096:bpQlWSBce4Oze3gRBePmYw==$cBs2mNaqx/RMg0TZu6z6dGJjar2/Q0LOxEZA/JbLfSA=:UBhlVQHauB4rn8AZACGWNxc8CbVqcQicgsHJfcMCSqk=";

    [Theory]
    [InlineData("pencil", "v/zbUhW9z7MDPROE0ga0aQ==", PencilVerifier)]
    [InlineData("Tusk-1.x_~!$&()*,=", "bpQlWSBce4Oze3gRBePmYw==", SymbolsVerifier)]
    public void The_verifier_matches_what_PostgreSQL_stores_for_the_same_password_and_salt(string password, string salt, string expected)
    {
        Assert.Equal(expected, ScramVerifier.Compute(password, Convert.FromBase64String(salt), 4096));
    }

    [Fact]
    public void Without_a_salt_a_random_16_byte_salt_is_used_and_4096_iterations()
    {
        var first = ScramVerifier.Compute("pencil");
        var second = ScramVerifier.Compute("pencil");

        Assert.NotEqual(first, second);
        Assert.StartsWith("SCRAM-SHA-256$4096:", first);
        var salt = first.Split('$')[1].Split(':')[1];
        Assert.Equal(16, Convert.FromBase64String(salt).Length);
    }

    [Fact]
    public void The_iteration_count_is_part_of_the_hash_and_the_string()
    {
        var salt = Convert.FromBase64String("v/zbUhW9z7MDPROE0ga0aQ==");
        var verifier = ScramVerifier.Compute("pencil", salt, 10000);

        Assert.StartsWith("SCRAM-SHA-256$10000:v/zbUhW9z7MDPROE0ga0aQ==$", verifier);
        Assert.NotEqual(PencilVerifier.Split('$')[2], verifier.Split('$')[2]);
    }

    [Fact]
    public void The_verifier_does_not_contain_the_password()
    {
        Assert.DoesNotContain("pencil", ScramVerifier.Compute("pencil"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("pässword")]
    public void Empty_and_non_ascii_passwords_are_rejected(string password)
    {
        Assert.Throws<ArgumentException>(() => ScramVerifier.Compute(password));
    }
}
