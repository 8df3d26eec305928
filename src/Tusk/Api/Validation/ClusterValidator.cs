namespace Tusk.Api.Validation;

/// <summary>
/// Every rule a defaulted PostgresCluster must satisfy before anything changes. Pure: the
/// machine is described by <see cref="HostFacts"/>, and all problems are returned at once.
/// </summary>
public static class ClusterValidator
{
    public const int MaxClusterNameLength = 40;
    public const int MaxMemberNameLength = 63;
    private static readonly string[] PasswordTypes = ["AlphaNumeric", "ASCII"];

    public static List<Problem> Validate(PostgresCluster cluster, HostFacts? host = null)
    {
        var problems = new List<Problem>();
        ValidateMetadata(cluster.Metadata, problems);
        var spec = cluster.Spec;
        ValidateVersion(spec.PostgresVersion!.Value, host, problems);
        ValidatePort(spec.Port!.Value, host, problems);
        ValidateInstances(cluster, problems);
        ValidatePatroni(spec.Patroni!, TotalReplicas(spec), problems);
        ValidateParameters(spec.Patroni!.DynamicConfiguration!.Postgresql!, spec.PostgresVersion!.Value, host, problems);
        ValidateUsers(spec.Users!, problems);
        ValidateBackups(spec.Backups, problems);
        if (spec.DataSource?.PostgresCluster is { } source)
        {
            ValidateDataSource(source, cluster.Metadata, problems);
        }
        if (spec.Proxy?.PgBouncer is { } pgBouncer)
        {
            ValidatePgBouncer(pgBouncer, spec.Port!.Value, host, problems);
        }

        if (spec.CustomTls is { } customTls)
        {
            ValidateCustomTls(customTls, host, problems);
        }

        return problems;
    }

    public static int TotalReplicas(ClusterSpec spec) => spec.Instances!.Sum(i => i.Replicas ?? 0);

    private static void ValidateMetadata(ObjectMeta metadata, List<Problem> problems)
    {
        if (string.IsNullOrEmpty(metadata.Name))
        {
            problems.Add(new Problem("metadata.name", "a name is required, e.g. \"hippo\""));
        }
        else if (!Dns1123.IsLabel(metadata.Name))
        {
            problems.Add(new Problem("metadata.name", $"\"{metadata.Name}\" is not a valid cluster name; use at most {MaxClusterNameLength} lowercase letters, digits and '-', starting and ending with a letter or digit"));
        }
        else if (metadata.Name.Length > MaxClusterNameLength)
        {
            problems.Add(new Problem("metadata.name", $"\"{metadata.Name}\" is {metadata.Name.Length} characters long; use at most {MaxClusterNameLength}, so that member and service names derived from it stay within Kubernetes' 63"));
        }

        if (metadata.Namespace is { } ns && (!Dns1123.IsLabel(ns) || ns.Length > 63))
        {
            problems.Add(new Problem("metadata.namespace", $"\"{ns}\" is not a valid namespace; use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"));
        }
    }

    private static void ValidateVersion(int version, HostFacts? host, List<Problem> problems)
    {
        if (version is < 11 or > 17)
        {
            problems.Add(new Problem("spec.postgresVersion", $"{version} is not a supported PostgreSQL major version; use 11 to 17"));
        }
        else if (host is not null && !host.InstalledPostgresVersions.Contains(version))
        {
            var installed = host.InstalledPostgresVersions.Count == 0
                ? "none is installed"
                : $"installed: {string.Join(", ", host.InstalledPostgresVersions.Order())}";
            problems.Add(new Problem("spec.postgresVersion", $"PostgreSQL {version} is not installed on this machine ({installed}); install the package postgresql-{version} or set postgresVersion to an installed version"));
        }
    }

    private static void ValidatePort(int port, HostFacts? host, List<Problem> problems)
    {
        if (port is < 1024 or > 65534)
        {
            problems.Add(new Problem("spec.port", $"{port} is outside 1024–65534; choose a port in that range (the primary endpoint uses it and the replicas endpoint the next one)"));
            return;
        }

        foreach (var (p, what) in new[] { (port, "primary"), (port + 1, "replicas") })
        {
            if (host is not null && !host.IsPortFree(p))
            {
                problems.Add(new Problem("spec.port", $"port {p} (the {what} endpoint) is already in use on 127.0.0.1; choose another spec.port or stop what listens there (`ss -ltnp 'sport = :{p}'` shows it)"));
            }
        }
    }

    private static void ValidateInstances(PostgresCluster cluster, List<Problem> problems)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var instances = cluster.Spec.Instances!;
        for (var i = 0; i < instances.Count; i++)
        {
            var set = instances[i];
            var path = $"spec.instances[{i}]";
            if (!Dns1123.IsLabel(set.Name!))
            {
                problems.Add(new Problem($"{path}.name", $"\"{set.Name}\" is not a valid instance set name; use lowercase letters, digits and '-', starting and ending with a letter or digit"));
            }
            else if (!names.Add(set.Name!))
            {
                problems.Add(new Problem($"{path}.name", $"\"{set.Name}\" is used by an earlier instance set; give each set its own name"));
            }
            else if ($"{cluster.Metadata.Name}-{set.Name}-{Math.Max(0, set.Replicas!.Value - 1)}" is { Length: > MaxMemberNameLength } member)
            {
                problems.Add(new Problem($"{path}.name", $"\"{set.Name}\" is too long: member names \"<cluster>-<set>-<n>\" must fit in {MaxMemberNameLength} characters, and \"{member}\" has {member.Length}; shorten the set name"));
            }

            if (set.Replicas < 1)
            {
                problems.Add(new Problem($"{path}.replicas", $"{set.Replicas} is too small; an instance set needs at least 1 replica (to stop the cluster, set spec.shutdown: true)"));
            }
            else if (set.Replicas > 16)
            {
                problems.Add(new Problem($"{path}.replicas", $"{set.Replicas} is more than the 16 instances one set may have; use 1 to 16, or add another instance set"));
            }
        }
    }

    private static void ValidatePatroni(PatroniSpec patroni, int replicas, List<Problem> problems)
    {
        var ttl = patroni.LeaderLeaseDurationSeconds!.Value;
        var loop = patroni.SyncPeriodSeconds!.Value;
        if (ttl < PatroniTimings.MinimumTtl)
        {
            problems.Add(new Problem("spec.patroni.leaderLeaseDurationSeconds", $"{ttl} is too short; Patroni cannot keep a leader with a lease under {PatroniTimings.MinimumTtl} seconds, so use at least {PatroniTimings.MinimumTtl} (the default is {ClusterDefaults.LeaderLeaseDurationSeconds})"));
        }
        else if (loop < 1)
        {
            problems.Add(new Problem("spec.patroni.syncPeriodSeconds", $"{loop} is too short; use at least 1 second"));
        }
        else if (!PatroniTimings.From(ttl, loop).CanElectLeader)
        {
            problems.Add(new Problem("spec.patroni.syncPeriodSeconds", $"{loop} leaves no time to retry within a {ttl}-second lease (Patroni needs loop_wait + 2 × retry_timeout ≤ ttl with retry_timeout ≥ 1); use at most {ttl - 2}, or raise leaderLeaseDurationSeconds"));
        }

        if (patroni.SynchronousMode == true && replicas < 2)
        {
            problems.Add(Problem.Warning("spec.patroni.synchronousMode", "with a single instance there is no standby to confirm commits; add replicas to protect them"));
        }
    }

    private static void ValidateParameters(PostgresqlDynamicConfiguration postgresql, int version, HostFacts? host, List<Problem> problems)
    {
        foreach (var (name, value) in postgresql.Parameters!)
        {
            var path = $"spec.patroni.dynamicConfiguration.postgresql.parameters.{name}";
            if (ReservedParameters.Reasons.TryGetValue(name, out var reason))
            {
                problems.Add(new Problem(path, $"{name} is set by Tusk and cannot be overridden: {reason}"));
            }
            else if (name.Equals("shared_preload_libraries", StringComparison.OrdinalIgnoreCase) && host is not null)
            {
                // Written as in postgresql.conf: "pgaudit, pg_cron" or with each name quoted.
                foreach (var entry in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var library = entry.Trim('"', '\'');
                    if (library.Length > 0 && !host.IsLibraryInstalled(version, library))
                    {
                        problems.Add(new Problem(path, $"the library \"{library}\" is not installed for PostgreSQL {version}, so the server would not start; install {DebianPackages.ForLibrary(library, version)} or remove it from shared_preload_libraries"));
                    }
                }
            }
        }

        var hba = postgresql.PgHba!;
        for (var i = 0; i < hba.Count; i++)
        {
            if (PgHbaRule.Check(hba[i]) is { } error)
            {
                problems.Add(new Problem($"spec.patroni.dynamicConfiguration.postgresql.pg_hba[{i}]", error));
            }
        }
    }

    private static void ValidateUsers(List<UserSpec> users, List<Problem> problems)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < users.Count; i++)
        {
            var user = users[i];
            var path = $"spec.users[{i}]";
            if (string.IsNullOrEmpty(user.Name))
            {
                problems.Add(new Problem($"{path}.name", "a user needs a name, e.g. \"hippo\""));
            }
            else if (!Dns1123.IsLabel(user.Name) || user.Name.Length > 63)
            {
                problems.Add(new Problem($"{path}.name", $"\"{user.Name}\" is not a valid user name; use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"));
            }
            else if (!names.Add(user.Name))
            {
                problems.Add(new Problem($"{path}.name", $"\"{user.Name}\" is listed twice; list each user once with all its databases"));
            }
            else if (user.Name == "postgres")
            {
                problems.Add(new Problem($"{path}.name", "\"postgres\" is the superuser Tusk manages itself; choose another name (its password is in the cluster's secrets/superuser file)"));
            }
            else if (user.Name.StartsWith("tusk-", StringComparison.Ordinal) || user.Name.StartsWith("pg-", StringComparison.Ordinal))
            {
                problems.Add(new Problem($"{path}.name", $"\"{user.Name}\" is reserved: names starting with \"tusk-\" or \"pg-\" belong to Tusk's own roles; choose another name"));
            }

            var databases = new HashSet<string>(StringComparer.Ordinal);
            for (var d = 0; d < user.Databases!.Count; d++)
            {
                var db = user.Databases[d];
                // PostgreSQL silently truncates a name to 63 bytes (not characters), so a longer one would create another database.
                if (db.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(db) > 63 || db.Contains('\0'))
                {
                    problems.Add(new Problem($"{path}.databases[{d}]", $"\"{db}\" is not a valid database name; use 1 to 63 bytes"));
                }
                else if (!databases.Add(db))
                {
                    problems.Add(new Problem($"{path}.databases[{d}]", $"\"{db}\" is listed twice for this user; list it once"));
                }
            }

            if (RoleOptions.Check(user.Options!) is { } error)
            {
                problems.Add(new Problem($"{path}.options", error));
            }

            if (!PasswordTypes.Contains(user.Password!.Type))
            {
                problems.Add(new Problem($"{path}.password.type", $"\"{user.Password.Type}\" is not a password type; use AlphaNumeric or ASCII"));
            }
        }
    }

    private static void ValidateBackups(BackupsSpec? backups, List<Problem> problems)
    {
        const string at = "spec.backups.pgbackrest";
        var repos = backups?.Pgbackrest?.Repos ?? [];
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < repos.Count; i++)
        {
            var path = $"{at}.repos[{i}]";
            var name = repos[i].Name;
            if (name is null)
            {
                problems.Add(new Problem($"{path}.name", "a repository needs a name; use repo1, repo2, repo3 or repo4"));
            }
            else if (name is not ("repo1" or "repo2" or "repo3" or "repo4"))
            {
                problems.Add(new Problem($"{path}.name", $"\"{name}\" is not a repository name; use repo1, repo2, repo3 or repo4"));
            }
            else if (!names.Add(name))
            {
                problems.Add(new Problem($"{path}.name", $"\"{name}\" is listed twice; give each repository its own name"));
            }

            if (repos[i].Path is { } directory && !System.IO.Path.IsPathFullyQualified(directory))
            {
                problems.Add(new Problem($"{path}.path", $"\"{directory}\" is not an absolute path; write the whole path, e.g. /var/backups/tusk/{name ?? "repo1"}"));
            }

            var schedules = repos[i].Schedules;
            foreach (var (field, cron) in new[] { ("full", schedules?.Full), ("differential", schedules?.Differential), ("incremental", schedules?.Incremental) })
            {
                if (cron is not null && Planning.Backups.BackupSchedule.Problem(cron) is { } problem)
                {
                    problems.Add(new Problem($"{path}.schedules.{field}", problem));
                }
            }
        }

        if (backups?.Pgbackrest is not { } pgbackrest)
        {
            return;
        }

        if (repos.Count == 0)
        {
            problems.Add(new Problem($"{at}.repos", "at least one repository is needed, e.g. repos: [{name: repo1}]"));
        }

        var declared = names.Select(n => n[^1] - '0').ToList();
        foreach (var (option, value) in pgbackrest.Global ?? [])
        {
            if ((PgBackRestOptions.Problem(option, declared) ?? PgBackRestOptions.ValueProblem(option, value)) is { } problem)
            {
                problems.Add(new Problem($"{at}.global.{option}", problem));
            }
        }

        if (pgbackrest.Manual is { } manual)
        {
            if (manual.RepoName is { } repo && !names.Contains(repo))
            {
                problems.Add(new Problem($"{at}.manual.repoName", $"\"{repo}\" is not declared in {at}.repos; use one of {string.Join(", ", names)}"));
            }

            foreach (var option in manual.Options ?? [])
            {
                if (option is not ("--type=full" or "--type=diff" or "--type=incr"))
                {
                    problems.Add(new Problem($"{at}.manual.options", $"\"{option}\" is not supported; use --type=full, --type=diff or --type=incr (other options belong in {at}.global)"));
                }
            }
        }
    }

    private static void ValidateDataSource(PostgresClusterDataSource source, ObjectMeta metadata, List<Problem> problems)
    {
        const string at = "spec.dataSource.postgresCluster";
        if (string.IsNullOrEmpty(source.ClusterName))
        {
            problems.Add(new Problem($"{at}.clusterName", "name the cluster to clone, e.g. clusterName: hippo"));
        }
        else if (source.ClusterName == metadata.Name && (source.ClusterNamespace ?? metadata.Namespace) == metadata.Namespace)
        {
            problems.Add(new Problem($"{at}.clusterName", "a cluster cannot be cloned from itself; to go back in time use `tusk restore`"));
        }

        if (Planning.Backups.RestoreTarget.FromOptions(source.Options ?? []).Problem is { } problem)
        {
            problems.Add(new Problem($"{at}.options", problem));
        }
    }

    private static void ValidatePgBouncer(PgBouncerSpec pgBouncer, int clusterPort, HostFacts? host, List<Problem> problems)
    {
        const string at = "spec.proxy.pgBouncer";
        var port = pgBouncer.Port!.Value;
        if (port is < 1024 or > 65535)
        {
            problems.Add(new Problem($"{at}.port", $"{port} is outside 1024–65535; choose a port in that range"));
        }
        else if (host is not null && (port == clusterPort || port == clusterPort + 1))
        {
            // On a machine the endpoints are ports of 127.0.0.1; on Kubernetes each is a Service of its own.
            problems.Add(new Problem($"{at}.port", $"port {port} is the cluster's {(port == clusterPort ? "primary" : "replicas")} endpoint; give the pooler its own port (the default is spec.port + 2)"));
        }
        else if (host is not null && !host.IsPortFree(port))
        {
            problems.Add(new Problem($"{at}.port", $"port {port} is already in use on 127.0.0.1; choose another spec.proxy.pgBouncer.port or stop what listens there (`ss -ltnp 'sport = :{port}'` shows it)"));
        }

        if (pgBouncer.PoolMode is not ("session" or "transaction" or "statement"))
        {
            problems.Add(new Problem($"{at}.poolMode", $"\"{pgBouncer.PoolMode}\" is not a pool mode; use session, transaction or statement"));
        }

        foreach (var (field, value) in new[] { ("defaultPoolSize", pgBouncer.DefaultPoolSize!.Value), ("maxClientConn", pgBouncer.MaxClientConn!.Value) })
        {
            if (value < 1)
            {
                problems.Add(new Problem($"{at}.{field}", $"{value} is not a size; use a number of connections of at least 1"));
            }
        }

        foreach (var (name, _) in pgBouncer.Config!.Global!)
        {
            var path = $"{at}.config.global.{name}";
            if (PgBouncerSettings.Managed.TryGetValue(name, out var reason))
            {
                problems.Add(new Problem(path, $"{name} is set by Tusk and cannot be overridden: {reason}"));
            }
            else if (!PgBouncerSettings.Known.Contains(name))
            {
                var closest = Reading.Suggestions.Closest(name, PgBouncerSettings.Known);
                problems.Add(new Problem(path, $"{name} is not a setting of PgBouncer 1.18{(closest is null ? "; see https://www.pgbouncer.org/config.html" : $"; did you mean {closest}?")}"));
            }
        }
    }

    /// <summary>The three files must be named; on a machine they must also be readable and pass <see cref="Security.ServerCertificateCheck"/>.</summary>
    private static void ValidateCustomTls(CustomTlsSpec tls, HostFacts? host, List<Problem> problems)
    {
        const string at = "spec.customTLS";
        var files = new[] { ("certificate", tls.Certificate), ("privateKey", tls.PrivateKey), ("ca", tls.Ca) };
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (field, path) in files)
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                problems.Add(new Problem($"{at}.{field}", "a file is required: give the server certificate, its private key and the CA certificate as PEM files"));
            }
            else if (!Path.IsPathFullyQualified(path))
            {
                problems.Add(new Problem($"{at}.{field}", $"\"{path}\" is a relative path; give an absolute one (the agent does not run in your directory)"));
            }
            else if (host?.ReadFile is { } read)
            {
                if (read(path) is { } text)
                {
                    texts[field] = text;
                }
                else
                {
                    problems.Add(new Problem($"{at}.{field}", $"cannot read {path}; check the path and that the agent's user may read it"));
                }
            }
        }

        if (texts.Count == files.Length && host?.Now is { } now)
        {
            foreach (var (field, message) in Security.ServerCertificateCheck.Check(texts["certificate"], texts["privateKey"], texts["ca"], ["127.0.0.1", "localhost"], now))
            {
                var path = files.Single(f => f.Item1 == field).Item2;
                problems.Add(new Problem($"{at}.{field}", $"{path} {message}"));
            }
        }
    }
}
