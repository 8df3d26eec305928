using System.Runtime.Versioning;
using Tusk.Security;

namespace Tusk.Tests.Security;

// Tusk itself is Linux-only ([assembly: SupportedOSPlatform("linux")]).
[SupportedOSPlatform("linux")]
public class PasswordGeneratorTests
{
    [Fact]
    public void Generated_alphanumeric_passwords_contain_only_letters_and_digits()
    {
        for (var i = 0; i < 200; i++)
        {
            var password = PasswordGenerator.Generate(PasswordKind.AlphaNumeric);
            Assert.Equal(24, password.Length);
            Assert.All(password, c => Assert.True(char.IsAsciiLetterOrDigit(c), $"unexpected '{c}'"));
        }
    }

    [Fact]
    public void Generated_ascii_passwords_never_contain_characters_that_need_escaping_in_a_uri_pgpass_or_connection_string()
    {
        const string forbidden = " '\"`\\:@/?#%<>[]^{|}+;";
        var seen = new HashSet<char>();
        for (var i = 0; i < 500; i++)
        {
            var password = PasswordGenerator.Generate(PasswordKind.Ascii, 64);
            Assert.Equal(64, password.Length);
            foreach (var c in password)
            {
                Assert.InRange(c, '!', '~');
                Assert.DoesNotContain(c, forbidden);
                seen.Add(c);
            }
        }

        // 32,000 draws from 74 characters: every symbol shows up, so the set really is wider than alphanumeric.
        Assert.Equal(74, seen.Count);
        Assert.Contains('~', seen);
    }

    [Fact]
    public void Generated_passwords_have_the_requested_length()
    {
        Assert.Single(PasswordGenerator.Generate(PasswordKind.AlphaNumeric, 1));
        Assert.Equal(100, PasswordGenerator.Generate(PasswordKind.Ascii, 100).Length);
    }

    [Fact]
    public void Generated_passwords_differ_from_call_to_call()
    {
        var passwords = Enumerable.Range(0, 100).Select(_ => PasswordGenerator.Generate(PasswordKind.AlphaNumeric)).ToHashSet();
        Assert.Equal(100, passwords.Count);
    }

    [Fact]
    public void Generated_characters_are_spread_evenly_over_the_alphabet()
    {
        // 62 characters, 124,000 draws: each expected 2,000 times (sd ~44); a biased generator (e.g. byte % 62 favours
        // the first 8 by 25%, ~2,420) falls outside these bounds, a fair one practically never (5.6 sd).
        var counts = new Dictionary<char, int>();
        foreach (var c in PasswordGenerator.Generate(PasswordKind.AlphaNumeric, 124_000))
        {
            counts[c] = counts.GetValueOrDefault(c) + 1;
        }

        Assert.Equal(62, counts.Count);
        Assert.All(counts.Values, n => Assert.InRange(n, 1750, 2250));
    }

    [Fact]
    public void A_length_below_one_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PasswordGenerator.Generate(PasswordKind.AlphaNumeric, 0));
    }

    [Fact]
    public void An_unknown_kind_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PasswordGenerator.Generate((PasswordKind)42));
    }
}
