using System.Runtime.Versioning;
using Tusk.Cli.Commands;
using static Tusk.Tests.Cli.CliClusters;

namespace Tusk.Tests.Cli;

[SupportedOSPlatform("linux")]
public class ConnectionDetailsTests
{
    private const string Password = "Xy7secretPw";
    private const string Ca = "/home/me/.local/state/tusk/ca/ca.crt";

    private static Dictionary<string, string> Details(string user = "app", string password = Password, string ca = Ca, bool show = false)
    {
        var cluster = Cluster();
        return ConnectionDetails.For(cluster, cluster.Spec.Users!.Single(u => u.Name == user), password, ca, show);
    }

    [Fact]
    public void The_keys_are_those_Crunchy_PGO_puts_in_a_users_secret()
    {
        Assert.Equal(["user", "password", "dbname", "host", "port", "uri", "jdbc-uri", "ca"], Details().Keys);
    }

    [Fact]
    public void The_password_is_hidden_everywhere_unless_asked_for()
    {
        var details = Details();

        Assert.Equal(ConnectionDetails.Hidden, details["password"]);
        Assert.All(details.Values, v => Assert.DoesNotContain(Password, v, StringComparison.Ordinal));
        Assert.Contains(":<hidden>@", details["uri"], StringComparison.Ordinal);
        Assert.Contains("password=<hidden>", details["jdbc-uri"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_password_is_shown_when_asked_for()
    {
        var details = Details(show: true);

        Assert.Equal(Password, details["password"]);
        Assert.Contains($":{Password}@", details["uri"], StringComparison.Ordinal);
        Assert.Contains($"password={Password}&", details["jdbc-uri"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_uri_verifies_the_server_against_Tusks_CA()
    {
        var details = Details(show: true);

        Assert.Equal($"postgresql://app:{Password}@127.0.0.1:5440/app?sslmode=verify-full&sslrootcert=%2Fhome%2Fme%2F.local%2Fstate%2Ftusk%2Fca%2Fca.crt", details["uri"]);
        Assert.Equal(("app", "app", "127.0.0.1", "5440", Ca), (details["user"], details["dbname"], details["host"], details["port"], details["ca"]));
    }

    [Fact]
    public void The_jdbc_uri_carries_user_password_and_TLS_as_query_parameters()
    {
        var details = Details(show: true);

        Assert.Equal(
            $"jdbc:postgresql://127.0.0.1:5440/app?user=app&password={Password}&sslmode=verify-full&sslrootcert=%2Fhome%2Fme%2F.local%2Fstate%2Ftusk%2Fca%2Fca.crt",
            details["jdbc-uri"]);
    }

    [Fact]
    public void Special_characters_in_the_password_and_paths_are_escaped()
    {
        const string ascii = "p@ss:w/rd?#&=% +";
        var details = Details(password: ascii, ca: "/tmp/my certs/ca&1.crt", show: true);

        Assert.Equal(ascii, details["password"]);
        Assert.StartsWith("postgresql://app:p%40ss%3Aw%2Frd%3F%23%26%3D%25%20%2B@127.0.0.1:5440/app?", details["uri"], StringComparison.Ordinal);
        Assert.EndsWith("sslrootcert=%2Ftmp%2Fmy%20certs%2Fca%261.crt", details["uri"], StringComparison.Ordinal);
        Assert.Contains("&password=p%40ss%3Aw%2Frd%3F%23%26%3D%25%20%2B&", details["jdbc-uri"], StringComparison.Ordinal);

        var uri = new Uri(details["uri"]);
        Assert.Equal("app:p%40ss%3Aw%2Frd%3F%23%26%3D%25%20%2B", uri.UserInfo);
        Assert.Equal(ascii, Uri.UnescapeDataString(uri.UserInfo.Split(':')[1]));
    }

    [Fact]
    public void A_user_without_databases_connects_to_postgres()
    {
        var details = Details(user: "nobody", show: true);

        Assert.Equal("postgres", details["dbname"]);
        Assert.StartsWith($"postgresql://nobody:{Password}@127.0.0.1:5440/postgres?", details["uri"], StringComparison.Ordinal);
    }
}
