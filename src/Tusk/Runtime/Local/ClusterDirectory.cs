namespace Tusk.Runtime.Local;

/// <summary>The files of one cluster under the state directory.</summary>
public sealed class ClusterDirectory(string path)
{
    public string Path { get; } = path;
    public string Manifest => System.IO.Path.Combine(Path, "manifest.json");
    public string State => System.IO.Path.Combine(Path, "state.json");
    public string Status => System.IO.Path.Combine(Path, "status.json");
    public string Secrets => System.IO.Path.Combine(Path, "secrets");
    public string Members => System.IO.Path.Combine(Path, "members");
    public string Haproxy => System.IO.Path.Combine(Path, "haproxy");
    public string HaproxyConfig => System.IO.Path.Combine(Haproxy, "haproxy.cfg");
    public string HaproxyLog => System.IO.Path.Combine(Haproxy, "haproxy.log");
    public string HaproxyPid => System.IO.Path.Combine(Haproxy, "haproxy.pid");
    public string HaproxySocket => System.IO.Path.Combine(Haproxy, "haproxy.sock");
    public string PgBouncer => System.IO.Path.Combine(Path, "pgbouncer");
    public string PgBouncerConfig => System.IO.Path.Combine(PgBouncer, "pgbouncer.ini");
    public string PgBouncerAuthFile => System.IO.Path.Combine(PgBouncer, "userlist.txt");
    public string PgBouncerLog => System.IO.Path.Combine(PgBouncer, "pgbouncer.log");
    public string PgBouncerPid => System.IO.Path.Combine(PgBouncer, "pgbouncer.pid");
    public string PgBouncerTls => System.IO.Path.Combine(PgBouncer, "tls");

    public string Backups => System.IO.Path.Combine(Path, "backups");

    /// <summary>The script every member's Patroni is started through (<see cref="PatroniLauncher"/>).</summary>
    public string PatroniLauncher => System.IO.Path.Combine(Path, Local.PatroniLauncher.FileName);

    /// <summary>Where a repository lives unless the spec gives it a path.</summary>
    public string Repo(string name) => System.IO.Path.Combine(Backups, name);
    public string Member(string name) => System.IO.Path.Combine(Members, name);
    public string UserSecret(string user) => System.IO.Path.Combine(Secrets, $"user-{user}");
}
