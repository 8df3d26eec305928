using System.Runtime.Versioning;
using Tusk.Api.Validation;

namespace Tusk.Tests.Api.Validation;

[SupportedOSPlatform("linux")]
public class RoleOptionsTests
{
    [Theory]
    [InlineData("")]
    [InlineData("CREATEDB")]
    [InlineData("createdb")]
    [InlineData("NOSUPERUSER CONNECTION LIMIT 5")]
    [InlineData("VALID UNTIL '2030-01-01'")]
    [InlineData("VALID UNTIL '2030-01-01 00:00:00+00' LOGIN")]
    [InlineData("CONNECTION LIMIT -1")]
    [InlineData("SUPERUSER CREATEDB CREATEROLE INHERIT LOGIN REPLICATION BYPASSRLS")]
    [InlineData("NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOLOGIN NOREPLICATION NOBYPASSRLS")]
    public void Role_attributes_are_accepted(string options)
    {
        Assert.Null(RoleOptions.Check(options));
    }

    [Theory]
    [InlineData("PASSWORD 'x'", "PASSWORD cannot be set here: Tusk generates every password (see `tusk show user`)")]
    [InlineData("ENCRYPTED PASSWORD 'x'", "PASSWORD cannot be set here: Tusk generates every password (see `tusk show user`)")]
    [InlineData("password NULL", "PASSWORD cannot be set here: Tusk generates every password (see `tusk show user`)")]
    [InlineData("CREATEDB NOCREATEDB", "CREATEDB and NOCREATEDB contradict each other; keep one")]
    [InlineData("nologin LOGIN", "NOLOGIN and LOGIN contradict each other; keep one")]
    [InlineData("LOGIN LOGIN", "LOGIN is given twice; keep one")]
    [InlineData("CONNECTION LIMIT 5 CONNECTION LIMIT 6", "CONNECTION LIMIT is given twice; keep one")]
    [InlineData("VALID UNTIL 'infinity' VALID UNTIL '2030-01-01'", "VALID UNTIL is given twice; keep one")]
    [InlineData("CONNECTION LIMIT -2", "CONNECTION LIMIT needs a whole number ≥ -1, got -2")]
    [InlineData("CONNECTION LIMIT 5;", "CONNECTION LIMIT needs a whole number ≥ -1, got 5;")]
    [InlineData("CREATEDB; DROP ROLE postgres", "\"CREATEDB;\" is not a role attribute; use SUPERUSER, CREATEDB, CREATEROLE, INHERIT, LOGIN, REPLICATION, BYPASSRLS (or their NO forms), CONNECTION LIMIT n or VALID UNTIL 'timestamp'")]
    [InlineData("VALID UNTIL 2030", "\"VALID\" is not a role attribute; use SUPERUSER, CREATEDB, CREATEROLE, INHERIT, LOGIN, REPLICATION, BYPASSRLS (or their NO forms), CONNECTION LIMIT n or VALID UNTIL 'timestamp'")]
    [InlineData("VALID UNTIL '", "\"VALID\" is not a role attribute; use SUPERUSER, CREATEDB, CREATEROLE, INHERIT, LOGIN, REPLICATION, BYPASSRLS (or their NO forms), CONNECTION LIMIT n or VALID UNTIL 'timestamp'")]
    [InlineData("IN ROLE admin", "\"IN\" is not a role attribute; use SUPERUSER, CREATEDB, CREATEROLE, INHERIT, LOGIN, REPLICATION, BYPASSRLS (or their NO forms), CONNECTION LIMIT n or VALID UNTIL 'timestamp'")]
    public void Anything_but_role_attributes_is_refused_with_the_first_reason(string options, string expected)
    {
        Assert.Equal(expected, RoleOptions.Check(options));
    }
}
