using System.Runtime.Versioning;
using System.Text.Json;
using Tusk.Environments;

namespace Tusk.Tests.Environments;

/// <summary>`tusk env` through the real executable against a real PostgreSQL.</summary>
[SupportedOSPlatform("linux")]
public sealed class EnvCommandEndToEndTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private static async Task<CliResult> OkAsync(TuskProcess tusk, Dictionary<string, string>? environment, params string[] args)
    {
        var result = await tusk.RunAsync(environment, args);
        Assert.True(result.ExitCode == 0, $"tusk {string.Join(' ', args)} failed:\n{result}");
        return result;
    }

    [Fact]
    public async Task Add_list_get_set_rm_export_and_import_work_through_the_tusk_executable()
    {
        var db = await server.CreateDatabaseAsync();
        using var tusk = new TuskProcess();
        var env = new Dictionary<string, string> { ["TUSK_ENV_DB"] = db };

        var init = await OkAsync(tusk, null, "env", "init", "--db", db);
        Assert.Contains($"created the inventory schema (version {Migrations.Latest})", init.Out, StringComparison.Ordinal);
        var added = await OkAsync(tusk, env, "env", "add", "dev", "--provider", "k3d", "--label", "team=web");
        Assert.Contains("dev   k3d       10.128.0.0/24  node:30000 pf:24000 http:20000 https:22000", added.Out, StringComparison.Ordinal);
        await OkAsync(tusk, env, "env", "add", "uat", "--provider", "kind", "--subnet", "10.0.0.0/24", "--https-port", "8080", "--pf-port", "none");

        var json = JsonDocument.Parse((await OkAsync(tusk, env, "env", "list", "-o", "json")).Out).RootElement;
        Assert.Equal(["dev", "uat"], json.EnumerateArray().Select(e => e.GetProperty("name").GetString()));
        Assert.Equal("web", json[0].GetProperty("labels").GetProperty("team").GetString());
        Assert.Equal(8080, json[1].GetProperty("httpsPort").GetInt32());
        Assert.False(json[1].TryGetProperty("pfPort", out _));

        var csv = (await OkAsync(tusk, env, "env", "list", "-o", "csv")).Out;
        Assert.Equal("name,provider,subnet,node_port,pf_port,http_port,https_port\ndev,k3d,10.128.0.0/24,30000,24000,20000,22000\nuat,kind,10.0.0.0/24,30001,,20001,8080\n", csv);

        var conflict = await tusk.RunAsync(env, "env", "set", "dev", "--http-port", "8080");
        Assert.Equal(1, conflict.ExitCode);
        Assert.Equal("error: http_port 8080 is already used by uat (as https_port)\n", conflict.Err);
        var overlap = await tusk.RunAsync(env, "env", "add", "prod", "--provider", "k3d", "--subnet", "10.0.0.128/25");
        Assert.Equal("error: subnet 10.0.0.128/25 overlaps 10.0.0.0/24 of uat\n", overlap.Err);

        var set = await OkAsync(tusk, env, "env", "set", "dev", "--http-port", "8081", "-o", "yaml");
        Assert.Contains("httpPort: 8081", set.Out, StringComparison.Ordinal);
        Assert.Contains("http:8081", (await OkAsync(tusk, env, "env", "get", "dev")).Out, StringComparison.Ordinal);

        var exported = Path.Combine(tusk.Home, "inventory.csv");
        await OkAsync(tusk, env, "env", "export", "--file", exported);
        Assert.Equal("environment uat removed\n", (await OkAsync(tusk, env, "env", "rm", "uat")).Out);
        Assert.Equal(4, (await tusk.RunAsync(env, "env", "get", "uat")).ExitCode);

        var import = await OkAsync(tusk, env, "env", "import", exported);
        Assert.EndsWith("total 2, added 1, updated 0, skipped 1, failed 0\n", import.Out, StringComparison.Ordinal);
        Assert.Contains(":2: dev: skipped: already in the inventory", import.Out, StringComparison.Ordinal);
        var again = await OkAsync(tusk, env, "env", "import", exported);
        Assert.EndsWith("total 2, added 0, updated 0, skipped 2, failed 0\n", again.Out, StringComparison.Ordinal);
        Assert.Equal(csv.Replace("20000", "8081", StringComparison.Ordinal), (await OkAsync(tusk, null, "env", "export", "--db", db)).Out);
    }

    [Fact]
    public async Task A_file_with_malformed_lines_is_refused_with_their_numbers_and_imports_nothing()
    {
        var db = await server.CreateDatabaseAsync();
        using var tusk = new TuskProcess();
        var env = new Dictionary<string, string> { ["TUSK_ENV_DB"] = db };
        var file = Path.Combine(tusk.Home, "envs.csv");
        await File.WriteAllTextAsync(file, "name,provider,subnet,node_port,pf_port,http_port,https_port\ndev,k3d,10.1.0.0/24,30080,19000,8080,8443\nuat,k3d,10.2.0.0/24,99999,19001,8081,8444\n");

        var result = await tusk.RunAsync(env, "env", "import", file);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"{file}:3: node_port \"99999\" is not a port; use a number from 1 to 65535, auto or none\n", result.Err);
        Assert.StartsWith("total 2, added 0, updated 0, skipped 0, failed 1 — nothing was imported", result.Out, StringComparison.Ordinal);
        Assert.Equal("No environments. Add one with `tusk env add dev --provider k3d` or import a CSV file with `tusk env import FILE.csv`.\n", (await OkAsync(tusk, env, "env", "list")).Out);
    }

    [Fact]
    public async Task Invalid_flags_are_all_reported_before_the_database_is_touched()
    {
        using var tusk = new TuskProcess();

        var result = await tusk.RunAsync(null, "env", "add", "dev", "--provider", "k3d", "--http-port", "0", "--subnet", "10.0.0.1/24", "--db", "Host=127.0.0.1;Port=1");
        var name = await tusk.RunAsync(null, "env", "add", "Dev_1", "--provider", "k3d", "--db", "Host=127.0.0.1;Port=1");

        Assert.Equal((2, 2), (result.ExitCode, name.ExitCode));
        Assert.Contains("error: \"Dev_1\" is not a valid environment name", name.Err, StringComparison.Ordinal);
        Assert.Contains("error: subnet \"10.0.0.1/24\" has host bits set; the network is 10.0.0.0/24", result.Err, StringComparison.Ordinal);
        Assert.Contains("error: http_port \"0\" is not a port", result.Err, StringComparison.Ordinal);
    }
}
