using System.Runtime.Versioning;
using Tusk.Api.Validation;

namespace Tusk.Tests.Api.Validation;

[SupportedOSPlatform("linux")]
public class PgHbaRuleTests
{
    [Theory]
    [InlineData("local all all peer")]
    [InlineData("host all all 0.0.0.0/0 scram-sha-256")]
    [InlineData("hostssl app app 10.0.0.0 255.0.0.0 md5")]
    [InlineData("hostssl all all ::1/128 cert clientcert=verify-full")]
    [InlineData("  host   replication   all   127.0.0.1/32   trust  ")]
    public void Well_formed_lines_pass(string line)
    {
        Assert.Null(PgHbaRule.Check(line));
    }

    [Theory]
    [InlineData("", "\"\" does not start with a connection type; use one of local, host, hostssl, hostnossl, hostgssenc, hostnogssenc")]
    [InlineData("HOST all all 0.0.0.0/0 md5", "\"HOST all all 0.0.0.0/0 md5\" does not start with a connection type; use one of local, host, hostssl, hostnossl, hostgssenc, hostnogssenc")]
    [InlineData("local all all", "\"local all all\" is incomplete; expected \"local DATABASE USER METHOD\"")]
    [InlineData("hostssl all all md5", "\"hostssl all all md5\" is incomplete; expected \"hostssl DATABASE USER ADDRESS METHOD\"")]
    [InlineData("host all all 0.0.0.0/0 scram", "\"host all all 0.0.0.0/0 scram\" names no known authentication method (\"scram\"); use one of trust, reject, scram-sha-256, md5, password, gss, sspi, ident, peer, ldap, radius, cert, pam, bsd")]
    public void Malformed_lines_say_what_is_missing_or_wrong(string line, string expected)
    {
        Assert.Equal(expected, PgHbaRule.Check(line));
    }
}
