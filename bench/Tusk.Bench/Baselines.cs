using System.Diagnostics;

namespace Tusk.Bench;

/// <summary>
/// What users do without Tusk, measured in the same run: a bare initdb + pg_ctl start, Debian's
/// pg_createcluster, and a hand-configured 3-member Patroni + etcd cluster at Patroni's defaults.
/// </summary>
public static class Baselines
{
    private const string Bin = "/usr/lib/postgresql/15/bin";

    public static async Task<double> InitdbAndStartAsync()
    {
        var dir = PostgresOwnedTemp();
        var port = TuskInstall.FreePortPair();
        var seconds = await Measure.SecondsAsync(async () =>
        {
            await Shell.AsPostgresAsync($"{Bin}/initdb", "-D", $"{dir}/data", "-k", "--auth-local=peer", "--auth-host=scram-sha-256");
            await Shell.AsPostgresAsync($"{Bin}/pg_ctl", "-D", $"{dir}/data", "-w", "-l", $"{dir}/log", "-o", $"-p {port} -k {dir} -c listen_addresses=127.0.0.1", "start");
        });
        await Shell.AsPostgresAsync($"{Bin}/pg_ctl", "-D", $"{dir}/data", "-m", "immediate", "stop");
        Directory.Delete(dir, true);
        return seconds;
    }

    public static async Task<double> PgCreateClusterAsync(int run)
    {
        var name = $"tuskbench{run}";
        var port = TuskInstall.FreePortPair();
        var seconds = await Measure.SecondsAsync(() => Shell.RunAsync("pg_createcluster", ["15", name, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--start"]));
        await Shell.RunAsync("pg_dropcluster", ["--stop", "15", name]);
        return seconds;
    }

    /// <summary>etcd and three Patroni members configured by hand, Patroni's defaults (ttl 30, loop_wait 10), until both replicas stream.</summary>
    public static async Task<double> HandConfiguredPatroniAsync()
    {
        var dir = PostgresOwnedTemp();
        var ports = Enumerable.Range(0, 8).Select(_ => TuskInstall.FreePortPair()).ToArray();
        var etcd = Spawn("/usr/bin/etcd", "--name=b", $"--data-dir={dir}/etcd", $"--listen-client-urls=http://127.0.0.1:{ports[0]}", $"--advertise-client-urls=http://127.0.0.1:{ports[0]}",
            $"--listen-peer-urls=http://127.0.0.1:{ports[1]}", $"--initial-advertise-peer-urls=http://127.0.0.1:{ports[1]}", $"--initial-cluster=b=http://127.0.0.1:{ports[1]}");
        var clock = Stopwatch.StartNew();
        var members = new List<Process>();
        for (var i = 0; i < 3; i++)
        {
            var config = $"{dir}/m{i}.yml";
            await File.WriteAllTextAsync(config, $$"""
                scope: baseline
                namespace: /baseline/
                name: m{{i}}
                restapi: {listen: "127.0.0.1:{{ports[2 + i]}}", connect_address: "127.0.0.1:{{ports[2 + i]}}"}
                etcd3: {hosts: "127.0.0.1:{{ports[0]}}"}
                bootstrap:
                  dcs:
                    ttl: 30
                    loop_wait: 10
                    retry_timeout: 10
                    postgresql: {use_pg_rewind: true, use_slots: true}
                  initdb: [{encoding: UTF8}, data-checksums]
                postgresql:
                  listen: "127.0.0.1:{{ports[5 + i]}}"
                  connect_address: "127.0.0.1:{{ports[5 + i]}}"
                  data_dir: {{dir}}/m{{i}}
                  bin_dir: {{Bin}}
                  pgpass: {{dir}}/pgpass{{i}}
                  authentication:
                    superuser: {username: postgres, password: s}
                    replication: {username: rep, password: r}
                  parameters: {unix_socket_directories: "{{dir}}"}
                  pg_hba: ["local all all trust", "host all all 127.0.0.1/32 scram-sha-256", "host replication rep 127.0.0.1/32 scram-sha-256"]
                watchdog: {mode: "off"}
                """);
            await Shell.RunAsync("chown", ["postgres:postgres", config]);
            members.Add(Spawn("/usr/bin/patroni", config));
        }

        double? seconds = null;
        while (clock.Elapsed < TimeSpan.FromMinutes(3) && seconds is null)
        {
            for (var i = 0; i < 3 && seconds is null; i++)
            {
                var (exit, output) = await Shell.RunAsync("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--reset-env", "/usr/bin/psql", "-h", dir, "-p", ports[5 + i].ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres", "-tAc", "select count(*) from pg_stat_replication where state = 'streaming' and application_name like 'm%'"], check: false);
                if (exit == 0 && output.Trim() == "2")
                {
                    seconds = clock.Elapsed.TotalSeconds;
                }
            }

            await Task.Delay(50);
        }

        foreach (var member in members)
        {
            member.Kill();
        }

        await Task.Delay(1000);
        await Shell.RunAsync("pkill", ["-f", $"-D {dir}/m"], check: false);
        await Shell.RunAsync("pkill", ["-f", dir], check: false);
        etcd.Kill();
        await Task.Delay(500);
        Directory.Delete(dir, true);
        return seconds ?? throw new TimeoutException("the hand-configured Patroni cluster did not stream within 3 minutes");
    }

    private static string PostgresOwnedTemp()
    {
        var dir = Directory.CreateTempSubdirectory("tusk-baseline-").FullName;
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        Shell.RunAsync("chown", ["postgres:postgres", dir]).GetAwaiter().GetResult();
        return dir;
    }

    private static Process Spawn(string program, params string[] args)
    {
        var info = new ProcessStartInfo("setpriv") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--reuid=postgres", "--regid=postgres", "--init-groups", "--reset-env", program }.Concat(args))
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
