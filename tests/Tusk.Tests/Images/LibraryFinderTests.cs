using Tusk.Images.Checking;

namespace Tusk.Tests.Images;

public class LibraryFinderTests
{
    [Theory]
    [InlineData("usr/lib/postgresql/16/lib/pgaudit.so")]
    [InlineData("./usr/pgsql-16/lib/pgaudit.so")]
    [InlineData("usr/local/lib/postgresql/pgaudit.so")]
    public void A_library_is_found_in_the_usual_PostgreSQL_directories(string path)
    {
        var finder = new LibraryFinder();
        finder.AddLayer(["etc/passwd", path]);

        Assert.Equal("/" + path.TrimStart('.', '/'), finder.Find("pgaudit"));
        Assert.Equal("/" + path.TrimStart('.', '/'), finder.Find("$libdir/pgaudit"));
        Assert.Equal("/" + path.TrimStart('.', '/'), finder.Find("'pgaudit.so'"));
    }

    [Fact]
    public void A_file_of_that_name_outside_PostgreSQL_directories_does_not_count()
    {
        var finder = new LibraryFinder();
        finder.AddLayer(["usr/lib/x86_64-linux-gnu/pgaudit.so", "usr/lib/postgresql/16/lib/pgauditlogtofile.so"]);

        Assert.Null(finder.Find("pgaudit"));
    }

    [Fact]
    public void Whiteouts_in_a_later_layer_remove_files_and_opaque_directories()
    {
        var finder = new LibraryFinder();
        finder.AddLayer(["usr/lib/postgresql/16/lib/pgaudit.so", "usr/lib/postgresql/16/lib/pg_cron.so", "usr/pgsql-16/lib/timescaledb.so"]);
        finder.AddLayer(["usr/lib/postgresql/16/lib/.wh.pgaudit.so", "usr/pgsql-16/lib/.wh..wh..opq", "usr/pgsql-16/lib/other.so"]);

        Assert.Null(finder.Find("pgaudit"));
        Assert.Null(finder.Find("timescaledb"));
        Assert.Equal("/usr/lib/postgresql/16/lib/pg_cron.so", finder.Find("pg_cron"));
        Assert.Equal("/usr/pgsql-16/lib/other.so", finder.Find("other"));
    }

    [Fact]
    public void A_whited_out_directory_takes_its_files_with_it_and_a_later_layer_may_add_them_back()
    {
        var finder = new LibraryFinder();
        finder.AddLayer(["usr/lib/postgresql/16/lib/pgaudit.so"]);
        finder.AddLayer(["usr/lib/.wh.postgresql"]);
        Assert.Null(finder.Find("pgaudit"));

        finder.AddLayer(["usr/lib/postgresql/17/lib/pgaudit.so"]);
        Assert.Equal("/usr/lib/postgresql/17/lib/pgaudit.so", finder.Find("pgaudit"));
    }
}
