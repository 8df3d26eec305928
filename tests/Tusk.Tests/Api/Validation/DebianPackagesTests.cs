using System.Runtime.Versioning;
using Tusk.Api.Validation;

namespace Tusk.Tests.Api.Validation;

[SupportedOSPlatform("linux")]
public class DebianPackagesTests
{
    [Theory]
    [InlineData("pgaudit", 15, "postgresql-15-pgaudit")]
    [InlineData("pg_cron", 16, "postgresql-16-cron")]
    [InlineData("pg_stat_statements", 15, "postgresql-15")]
    [InlineData("PGAUDIT", 14, "postgresql-14-pgaudit")]
    [InlineData("mystery", 15, "the package that provides mystery.so for postgresql-15")]
    public void A_library_is_named_with_the_package_that_provides_it(string library, int version, string expected)
    {
        Assert.Equal(expected, DebianPackages.ForLibrary(library, version));
    }
}
