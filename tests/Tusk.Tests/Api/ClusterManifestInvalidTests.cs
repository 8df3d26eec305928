using System.Runtime.Versioning;
using static Tusk.Tests.Api.Manifests;

namespace Tusk.Tests.Api;

/// <summary>
/// The front door's promise for bad input: every invalid manifest is refused with the file, line,
/// column, field path, the value and what to do, exactly as the CLI prints it.
/// The machine is <see cref="Manifests.OnlyPostgres15"/>: PostgreSQL 15 only, port 6000 taken, no pgaudit.
/// </summary>
[SupportedOSPlatform("linux")]
public class ClusterManifestInvalidTests
{
    /// <summary>A manifest with the usual header (lines 1–4) and "spec:" on line 5; the body starts on line 6.</summary>
    private static string Spec(string body) => Header + "spec:\n" + body;

    private const string RoleAttributes = "use SUPERUSER, CREATEDB, CREATEROLE, INHERIT, LOGIN, REPLICATION, BYPASSRLS (or their NO forms), CONNECTION LIMIT n or VALID UNTIL 'timestamp'";
    private const string HbaTypes = "local, host, hostssl, hostnossl, hostgssenc, hostnogssenc";
    private const string HbaMethods = "trust, reject, scram-sha-256, md5, password, gss, sspi, ident, peer, ldap, radius, cert, pam, bsd";
    private const string Label = "lowercase letters, digits and '-', starting and ending with a letter or digit";
    private const string Parameters = "spec.patroni.dynamicConfiguration.postgresql.parameters";

    public static TheoryData<string, string, string[]> Invalid => new()
    {
        // --- the file itself ---
        {
            "YAML syntax error: an unclosed flow list",
            Spec("  port: [5432\n  instances: []\n"),
            ["hippo.yaml:6:9: this is not valid YAML: it cannot be read past this point; check for an unclosed '[', '{' or quote here"]
        },
        {
            "YAML syntax error: a key indented too far",
            Spec("  port: 5432\n   instances: []\n"),
            ["hippo.yaml:7:13: this is not valid YAML: While scanning a plain scalar value, found invalid mapping; check the indentation and quoting on this line and the one before"]
        },
        {
            "YAML: the same key twice",
            Spec("  port: 5432\n  port: 5433\n"),
            ["hippo.yaml:7:3: this is not valid YAML: \"port\" is written twice in the same mapping; keep one"]
        },
        {
            "an empty file",
            "",
            ["hippo.yaml:1:1: the file holds no manifest; write a PostgresCluster (see examples/hippo.yaml)"]
        },
        {
            "a file of comments only",
            "# nothing yet\n---\n",
            ["hippo.yaml:1:1: the file holds no manifest; write a PostgresCluster (see examples/hippo.yaml)"]
        },
        {
            "a list instead of a resource",
            "- hippo\n- zebra\n",
            ["hippo.yaml:1:1: expected a PostgresCluster manifest (a mapping with apiVersion, kind, metadata and spec), got a list"]
        },

        // --- apiVersion and kind ---
        {
            "wrong apiVersion",
            "apiVersion: tusk.dev/v2\nkind: PostgresCluster\nmetadata:\n  name: hippo\n",
            ["hippo.yaml:1:13: apiVersion: expected \"tusk.dev/v1\" (or Crunchy PGO's \"postgres-operator.crunchydata.com/v1beta1\"), got \"tusk.dev/v2\""]
        },
        {
            "missing apiVersion",
            "kind: PostgresCluster\nmetadata:\n  name: hippo\n",
            ["hippo.yaml:1:1: apiVersion: expected \"tusk.dev/v1\" (or Crunchy PGO's \"postgres-operator.crunchydata.com/v1beta1\"), got nothing"]
        },
        {
            "wrong kind: nothing else is checked",
            "apiVersion: tusk.dev/v1\nkind: Cluster\nmetadata:\n  name: Hippo\nspec:\n  instances: 3\n",
            ["hippo.yaml:2:7: kind: expected \"PostgresCluster\", got \"Cluster\"; Tusk runs PostgresCluster resources only"]
        },

        // --- unknown fields, at every depth ---
        {
            "unknown top-level field with a suggestion",
            "apiVersion: tusk.dev/v1\nkind: PostgresCluster\nmetdata:\n  name: hippo\n",
            [
                "hippo.yaml:3:1: metdata: unknown field \"metdata\"; did you mean \"metadata\"?",
                "hippo.yaml:1:1: metadata.name: a name is required, e.g. \"hippo\"",
            ]
        },
        {
            "unknown metadata field with a suggestion",
            "apiVersion: tusk.dev/v1\nkind: PostgresCluster\nmetadata:\n  name: hippo\n  namespce: prod\n",
            ["hippo.yaml:5:3: metadata.namespce: unknown field \"namespce\"; did you mean \"namespace\"?"]
        },
        {
            "unknown spec field: postgresVerison",
            Spec("  postgresVerison: 15\n"),
            ["hippo.yaml:6:3: spec.postgresVerison: unknown field \"postgresVerison\"; did you mean \"postgresVersion\"?"]
        },
        {
            "unknown instance set field: replcias",
            Spec("  instances:\n    - name: instance1\n      replcias: 3\n"),
            ["hippo.yaml:8:7: spec.instances[0].replcias: unknown field \"replcias\"; did you mean \"replicas\"?"]
        },
        {
            "unknown patroni field in the wrong case: synchronousmode",
            Spec("  patroni:\n    synchronousmode: true\n"),
            ["hippo.yaml:7:5: spec.patroni.synchronousmode: unknown field \"synchronousmode\"; did you mean \"synchronousMode\"?"]
        },
        {
            "unknown field four levels down: pg_hab",
            Spec("  patroni:\n    dynamicConfiguration:\n      postgresql:\n        pg_hab: []\n"),
            ["hippo.yaml:9:9: spec.patroni.dynamicConfiguration.postgresql.pg_hab: unknown field \"pg_hab\"; did you mean \"pg_hba\"?"]
        },
        {
            "unknown spec field without a suggestion lists the allowed fields",
            Spec("  storage: 10Gi\n"),
            ["hippo.yaml:6:3: spec.storage: unknown field \"storage\"; the fields allowed here are: postgresVersion, image, imagePullSecrets, imagePullPolicy, port, instances, patroni, users, backups, dataSource, proxy, monitoring, customTLS, customTLSSecret, shutdown, metadata, persistentVolumeClaimRetentionPolicy"]
        },
        {
            "unknown password field without a suggestion lists the allowed fields",
            Spec("  users:\n    - name: hippo\n      password:\n        length: 32\n"),
            ["hippo.yaml:9:9: spec.users[0].password.length: unknown field \"length\"; the fields allowed here are: type"]
        },

        // --- wrong types ---
        {
            "a word where an integer belongs",
            Spec("  port: five\n"),
            ["hippo.yaml:6:9: spec.port: expected an integer, got five"]
        },
        {
            "a quoted number is a string",
            Spec("  instances:\n    - name: instance1\n      replicas: \"3\"\n"),
            ["hippo.yaml:8:17: spec.instances[0].replicas: expected an integer, got \"3\"; write it without quotes: 3"]
        },
        {
            "a list where a mapping belongs",
            Spec("  patroni:\n    - leaderLeaseDurationSeconds: 30\n"),
            ["hippo.yaml:6:3: spec.patroni: expected a mapping (key: value pairs), got a list"]
        },
        {
            "a mapping where a list belongs",
            Spec("  instances:\n    name: instance1\n"),
            ["hippo.yaml:6:3: spec.instances: expected a list, got a mapping"]
        },
        {
            "a mapping where a string belongs",
            Spec("  users:\n    - name: {first: hippo}\n"),
            ["hippo.yaml:7:13: spec.users[0].name: expected a string, got a mapping"]
        },
        {
            "yes is not a boolean",
            Spec("  shutdown: yes\n"),
            ["hippo.yaml:6:13: spec.shutdown: expected true or false, got yes"]
        },
        {
            "a word where the spec mapping belongs",
            Spec("").TrimEnd('\n') + " hippo\n",
            ["hippo.yaml:5:7: spec: expected a mapping (key: value pairs), got hippo"]
        },
        {
            "an empty list item",
            Spec("  users:\n    -\n    - name: zebra\n"),
            ["hippo.yaml:7:6: spec.users[0]: this list item is empty; write its value after the '-' or remove the line"]
        },

        // --- metadata ---
        {
            "cluster name missing",
            "apiVersion: tusk.dev/v1\nkind: PostgresCluster\nmetadata:\n  namespace: default\n",
            ["hippo.yaml:3:1: metadata.name: a name is required, e.g. \"hippo\""]
        },
        {
            "cluster name in uppercase",
            "apiVersion: tusk.dev/v1\nkind: PostgresCluster\nmetadata:\n  name: Hippo\n",
            [$"hippo.yaml:4:9: metadata.name: \"Hippo\" is not a valid cluster name; use at most 40 {Label}"]
        },
        {
            "cluster name of 41 characters",
            $"apiVersion: tusk.dev/v1\nkind: PostgresCluster\nmetadata:\n  name: {new string('h', 41)}\n",
            [$"hippo.yaml:4:9: metadata.name: \"{new string('h', 41)}\" is 41 characters long; use at most 40, so that member and service names derived from it stay within Kubernetes' 63"]
        },
        {
            "cluster name starting with '-'",
            "apiVersion: tusk.dev/v1\nkind: PostgresCluster\nmetadata:\n  name: -hippo\n",
            [$"hippo.yaml:4:9: metadata.name: \"-hippo\" is not a valid cluster name; use at most 40 {Label}"]
        },
        {
            "invalid namespace",
            "apiVersion: tusk.dev/v1\nkind: PostgresCluster\nmetadata:\n  name: hippo\n  namespace: Team_A\n",
            [$"hippo.yaml:5:14: metadata.namespace: \"Team_A\" is not a valid namespace; use at most 63 {Label}"]
        },

        // --- version and port ---
        {
            "postgresVersion 9 is unsupported",
            Spec("  postgresVersion: 9\n"),
            ["hippo.yaml:6:20: spec.postgresVersion: 9 is not a supported PostgreSQL major version; use 11 to 17"]
        },
        {
            "postgresVersion 18 is unsupported",
            Spec("  postgresVersion: 18\n"),
            ["hippo.yaml:6:20: spec.postgresVersion: 18 is not a supported PostgreSQL major version; use 11 to 17"]
        },
        {
            "postgresVersion 16 is not installed",
            Spec("  postgresVersion: 16\n"),
            ["hippo.yaml:6:20: spec.postgresVersion: PostgreSQL 16 is not installed on this machine (installed: 15); install the package postgresql-16 or set postgresVersion to an installed version"]
        },
        {
            "port 80 is privileged",
            Spec("  port: 80\n"),
            ["hippo.yaml:6:9: spec.port: 80 is outside 1024–65534; choose a port in that range (the primary endpoint uses it and the replicas endpoint the next one)"]
        },
        {
            "port 70000 is no TCP port",
            Spec("  port: 70000\n"),
            ["hippo.yaml:6:9: spec.port: 70000 is outside 1024–65534; choose a port in that range (the primary endpoint uses it and the replicas endpoint the next one)"]
        },
        {
            "port 65535 leaves no port for the replicas endpoint",
            Spec("  port: 65535\n"),
            ["hippo.yaml:6:9: spec.port: 65535 is outside 1024–65534; choose a port in that range (the primary endpoint uses it and the replicas endpoint the next one)"]
        },
        {
            "port in use",
            Spec("  port: 6000\n"),
            ["hippo.yaml:6:9: spec.port: port 6000 (the primary endpoint) is already in use on 127.0.0.1; choose another spec.port or stop what listens there (`ss -ltnp 'sport = :6000'` shows it)"]
        },
        {
            "the replicas endpoint's port in use",
            Spec("  port: 5999\n"),
            ["hippo.yaml:6:9: spec.port: port 6000 (the replicas endpoint) is already in use on 127.0.0.1; choose another spec.port or stop what listens there (`ss -ltnp 'sport = :6000'` shows it)"]
        },

        // --- instance sets ---
        {
            "two instance sets with one name",
            Spec("  instances:\n    - name: pgdata\n    - name: pgdata\n"),
            ["hippo.yaml:8:13: spec.instances[1].name: \"pgdata\" is used by an earlier instance set; give each set its own name"]
        },
        {
            "invalid instance set name",
            Spec("  instances:\n    - name: Set_A\n"),
            [$"hippo.yaml:7:13: spec.instances[0].name: \"Set_A\" is not a valid instance set name; use {Label}"]
        },
        {
            "replicas 0",
            Spec("  instances:\n    - replicas: 0\n"),
            ["hippo.yaml:7:17: spec.instances[0].replicas: 0 is too small; an instance set needs at least 1 replica (to stop the cluster, set spec.shutdown: true)"]
        },
        {
            "replicas -1",
            Spec("  instances:\n    - replicas: -1\n"),
            ["hippo.yaml:7:17: spec.instances[0].replicas: -1 is too small; an instance set needs at least 1 replica (to stop the cluster, set spec.shutdown: true)"]
        },
        {
            "replicas 17",
            Spec("  instances:\n    - replicas: 17\n"),
            ["hippo.yaml:7:17: spec.instances[0].replicas: 17 is more than the 16 instances one set may have; use 1 to 16, or add another instance set"]
        },
        {
            "member name longer than 63 characters",
            Spec($"  instances:\n    - name: {new string('s', 56)}\n"),
            [$"hippo.yaml:7:13: spec.instances[0].name: \"{new string('s', 56)}\" is too long: member names \"<cluster>-<set>-<n>\" must fit in 63 characters, and \"hippo-{new string('s', 56)}-0\" has 64; shorten the set name"]
        },

        // --- Patroni timings ---
        {
            "leader lease of 4 seconds",
            Spec("  patroni:\n    leaderLeaseDurationSeconds: 4\n"),
            ["hippo.yaml:7:33: spec.patroni.leaderLeaseDurationSeconds: 4 is too short; Patroni cannot keep a leader with a lease under 5 seconds, so use at least 5 (the default is 30)"]
        },
        {
            "sync period of 0 seconds",
            Spec("  patroni:\n    syncPeriodSeconds: 0\n"),
            ["hippo.yaml:7:24: spec.patroni.syncPeriodSeconds: 0 is too short; use at least 1 second"]
        },
        {
            "lease 5 with sync period 4 cannot elect a leader",
            Spec("  patroni:\n    leaderLeaseDurationSeconds: 5\n    syncPeriodSeconds: 4\n"),
            ["hippo.yaml:8:24: spec.patroni.syncPeriodSeconds: 4 leaves no time to retry within a 5-second lease (Patroni needs loop_wait + 2 × retry_timeout ≤ ttl with retry_timeout ≥ 1); use at most 3, or raise leaderLeaseDurationSeconds"]
        },

        // --- PostgreSQL parameters and pg_hba ---
        {
            "reserved parameter: port",
            Spec("  patroni:\n    dynamicConfiguration:\n      postgresql:\n        parameters:\n          port: 5433\n"),
            [$"hippo.yaml:10:17: {Parameters}.port: port is set by Tusk and cannot be overridden: each instance gets its own port; set spec.port for the cluster's endpoint"]
        },
        {
            "reserved parameter: listen_addresses",
            Spec("  patroni:\n    dynamicConfiguration:\n      postgresql:\n        parameters:\n          listen_addresses: '*'\n"),
            [$"hippo.yaml:10:29: {Parameters}.listen_addresses: listen_addresses is set by Tusk and cannot be overridden: Tusk binds each instance to the addresses its endpoints need"]
        },
        {
            "reserved parameter: data_directory",
            Spec("  patroni:\n    dynamicConfiguration:\n      postgresql:\n        parameters:\n          data_directory: /srv/pg\n"),
            [$"hippo.yaml:10:27: {Parameters}.data_directory: data_directory is set by Tusk and cannot be overridden: Tusk places data under its state directory"]
        },
        {
            "reserved parameter: ssl",
            Spec("  patroni:\n    dynamicConfiguration:\n      postgresql:\n        parameters:\n          ssl: off\n"),
            [$"hippo.yaml:10:16: {Parameters}.ssl: ssl is set by Tusk and cannot be overridden: TLS is always on (for your own certificates use spec.customTLS locally, spec.customTLSSecret on Kubernetes)"]
        },
        {
            "reserved parameter: archive_command",
            Spec("  patroni:\n    dynamicConfiguration:\n      postgresql:\n        parameters:\n          archive_command: /bin/true\n"),
            [$"hippo.yaml:10:28: {Parameters}.archive_command: archive_command is set by Tusk and cannot be overridden: Tusk configures WAL archiving with pgBackRest"]
        },
        {
            "shared_preload_libraries names a library that is not installed",
            Spec("  patroni:\n    dynamicConfiguration:\n      postgresql:\n        parameters:\n          shared_preload_libraries: pg_stat_statements, pgaudit\n"),
            [$"hippo.yaml:10:37: {Parameters}.shared_preload_libraries: the library \"pgaudit\" is not installed for PostgreSQL 15, so the server would not start; install postgresql-15-pgaudit or remove it from shared_preload_libraries"]
        },
        {
            "pg_hba line with a misspelt connection type",
            Spec("  patroni:\n    dynamicConfiguration:\n      postgresql:\n        pg_hba:\n          - hots all all 0.0.0.0/0 scram-sha-256\n"),
            [$"hippo.yaml:10:13: spec.patroni.dynamicConfiguration.postgresql.pg_hba[0]: \"hots all all 0.0.0.0/0 scram-sha-256\" does not start with a connection type; use one of {HbaTypes}"]
        },
        {
            "pg_hba line without an address",
            Spec("  patroni:\n    dynamicConfiguration:\n      postgresql:\n        pg_hba:\n          - local all all trust\n          - host all all md5\n"),
            ["hippo.yaml:11:13: spec.patroni.dynamicConfiguration.postgresql.pg_hba[1]: \"host all all md5\" is incomplete; expected \"host DATABASE USER ADDRESS METHOD\""]
        },
        {
            "pg_hba line with an unknown method",
            Spec("  patroni:\n    dynamicConfiguration:\n      postgresql:\n        pg_hba: [\"hostssl all all 10.0.0.0/8 sha256\"]\n"),
            [$"hippo.yaml:9:18: spec.patroni.dynamicConfiguration.postgresql.pg_hba[0]: \"hostssl all all 10.0.0.0/8 sha256\" names no known authentication method (\"sha256\"); use one of {HbaMethods}"]
        },

        // --- the pooler ---
        {
            "PgBouncer setting misspelt",
            Spec("  proxy:\n    pgBouncer:\n      config:\n        global:\n          server_login_retries: \"1\"\n"),
            ["hippo.yaml:10:33: spec.proxy.pgBouncer.config.global.server_login_retries: server_login_retries is not a setting of PgBouncer 1.18; did you mean server_login_retry?"]
        },
        {
            "PgBouncer setting Tusk writes itself",
            Spec("  proxy:\n    pgBouncer:\n      config:\n        global:\n          auth_type: trust\n"),
            ["hippo.yaml:10:22: spec.proxy.pgBouncer.config.global.auth_type: auth_type is set by Tusk and cannot be overridden: clients authenticate with scram-sha-256"]
        },
        {
            "PgBouncer pool mode misspelt and pooler on the replicas endpoint",
            Spec("  port: 5432\n  proxy:\n    pgBouncer:\n      port: 5433\n      poolMode: sesion\n"),
            [
                "hippo.yaml:9:13: spec.proxy.pgBouncer.port: port 5433 is the cluster's replicas endpoint; give the pooler its own port (the default is spec.port + 2)",
                "hippo.yaml:10:17: spec.proxy.pgBouncer.poolMode: \"sesion\" is not a pool mode; use session, transaction or statement",
            ]
        },

        // --- your own certificate ---
        {
            "customTLS with a relative path and a missing key",
            Spec("  customTLS:\n    certificate: tls.crt\n    ca: /etc/tusk/ca.crt\n"),
            [
                "hippo.yaml:7:18: spec.customTLS.certificate: \"tls.crt\" is a relative path; give an absolute one (the agent does not run in your directory)",
                "hippo.yaml:6:3: spec.customTLS.privateKey: a file is required: give the server certificate, its private key and the CA certificate as PEM files",
            ]
        },

        // --- users ---
        {
            "the same user twice",
            Spec("  users:\n    - name: hippo\n    - name: hippo\n"),
            ["hippo.yaml:8:13: spec.users[1].name: \"hippo\" is listed twice; list each user once with all its databases"]
        },
        {
            "invalid user name",
            Spec("  users:\n    - name: Hippo_Admin\n"),
            [$"hippo.yaml:7:13: spec.users[0].name: \"Hippo_Admin\" is not a valid user name; use at most 63 {Label}"]
        },
        {
            "user without a name",
            Spec("  users:\n    - databases: [zoo]\n"),
            ["hippo.yaml:7:7: spec.users[0].name: a user needs a name, e.g. \"hippo\""]
        },
        {
            "reserved user name prefix tusk-",
            Spec("  users:\n    - name: tusk-admin\n"),
            ["hippo.yaml:7:13: spec.users[0].name: \"tusk-admin\" is reserved: names starting with \"tusk-\" or \"pg-\" belong to Tusk's own roles; choose another name"]
        },
        {
            "a database listed twice",
            Spec("  users:\n    - name: hippo\n      databases: [hippo, zoo, hippo]\n"),
            ["hippo.yaml:8:31: spec.users[0].databases[2]: \"hippo\" is listed twice for this user; list it once"]
        },
        {
            "role options with PASSWORD",
            Spec("  users:\n    - name: hippo\n      options: \"LOGIN PASSWORD 'secret'\"\n"),
            ["hippo.yaml:8:16: spec.users[0].options: PASSWORD cannot be set here: Tusk generates every password (see `tusk show user`)"]
        },
        {
            "role options with ;DROP",
            Spec("  users:\n    - name: hippo\n      options: \"CREATEDB;DROP ROLE postgres\"\n"),
            [$"hippo.yaml:8:16: spec.users[0].options: \"CREATEDB;DROP\" is not a role attribute; {RoleAttributes}"]
        },
        {
            "role options CREATEDB NOCREATEDB",
            Spec("  users:\n    - name: hippo\n      options: CREATEDB NOCREATEDB\n"),
            ["hippo.yaml:8:16: spec.users[0].options: CREATEDB and NOCREATEDB contradict each other; keep one"]
        },
        {
            "role options with the same attribute twice",
            Spec("  users:\n    - name: hippo\n      options: LOGIN createdb CREATEDB\n"),
            ["hippo.yaml:8:16: spec.users[0].options: CREATEDB is given twice; keep one"]
        },
        {
            "role options with an unknown word",
            Spec("  users:\n    - name: hippo\n      options: CREATEDB SUPERPOWERS\n"),
            [$"hippo.yaml:8:16: spec.users[0].options: \"SUPERPOWERS\" is not a role attribute; {RoleAttributes}"]
        },
        {
            "role options with an unterminated VALID UNTIL quote",
            Spec("  users:\n    - name: hippo\n      options: \"VALID UNTIL '\"\n"),
            [$"hippo.yaml:8:16: spec.users[0].options: \"VALID\" is not a role attribute; {RoleAttributes}"]
        },
        {
            "password type hex",
            Spec("  users:\n    - name: hippo\n      password: {type: hex}\n"),
            ["hippo.yaml:8:24: spec.users[0].password.type: \"hex\" is not a password type; use AlphaNumeric or ASCII"]
        },

        // --- backups ---
        {
            "repository repo9",
            Spec("  backups:\n    pgbackrest:\n      repos:\n        - name: repo9\n"),
            [
                "hippo.yaml:9:17: spec.backups.pgbackrest.repos[0].name: \"repo9\" is not a repository name; use repo1, repo2, repo3 or repo4",
            ]
        },
        {
            "the same repository twice",
            Spec("  backups:\n    pgbackrest:\n      repos:\n        - name: repo1\n        - name: repo1\n"),
            [
                "hippo.yaml:10:17: spec.backups.pgbackrest.repos[1].name: \"repo1\" is listed twice; give each repository its own name",
            ]
        },
        {
            "a relative repository path",
            Spec("  backups:\n    pgbackrest:\n      repos:\n        - name: repo1\n          path: backups/repo1\n"),
            ["hippo.yaml:10:17: spec.backups.pgbackrest.repos[0].path: \"backups/repo1\" is not an absolute path; write the whole path, e.g. /var/backups/tusk/repo1"]
        },
        {
            "manual backups into an undeclared repository",
            Spec("  backups:\n    pgbackrest:\n      repos:\n        - name: repo1\n      manual:\n        repoName: repo2\n"),
            ["hippo.yaml:11:19: spec.backups.pgbackrest.manual.repoName: \"repo2\" is not declared in spec.backups.pgbackrest.repos; use one of repo1"]
        },
        {
            "a schedule with four fields",
            Spec("  backups:\n    pgbackrest:\n      repos:\n        - name: repo1\n          schedules:\n            full: \"0 1 * *\"\n"),
            ["hippo.yaml:11:19: spec.backups.pgbackrest.repos[0].schedules.full: \"0 1 * *\" is not a cron schedule: it needs five fields (minute hour day-of-month month day-of-week), e.g. \"0 1 * * 0\" for Sundays at 01:00 UTC"]
        },
        {
            "a misspelt global option and one Tusk manages",
            Spec("  backups:\n    pgbackrest:\n      repos:\n        - name: repo1\n      global:\n        repo1-retention-ful: \"2\"\n        spool-path: /tmp\n"),
            [
                "hippo.yaml:11:30: spec.backups.pgbackrest.global.repo1-retention-ful: repo1-retention-ful is not a pgBackRest 2.45 option; did you mean repo1-retention-full?",
                "hippo.yaml:12:21: spec.backups.pgbackrest.global.spool-path: spool-path is managed by Tusk: Tusk keeps each member's spool, lock and log files under its state directory",
            ]
        },
        {
            "a clone of itself",
            Spec("  dataSource:\n    postgresCluster:\n      clusterName: hippo\n"),
            ["hippo.yaml:8:20: spec.dataSource.postgresCluster.clusterName: a cluster cannot be cloned from itself; to go back in time use `tusk restore`"]
        },
        {
            "a clone with a restore option Tusk sets itself",
            Spec("  dataSource:\n    postgresCluster:\n      clusterName: zebra\n      options: [\"--pg1-path=/tmp/x\"]\n"),
            ["hippo.yaml:9:16: spec.dataSource.postgresCluster.options: \"--pg1-path=/tmp/x\" is not a restore option Tusk passes on; use --type=, --target=, --set=, --target-exclusive or --target-timeline= (Tusk sets the paths, the repository and what happens at the target: promotion)"]
        },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_manifests_are_refused_with_file_line_column_path_value_and_what_to_do(string @case, string yaml, string[] expected)
    {
        var checkedCluster = CheckOne(yaml, OnlyPostgres15);

        Assert.False(checkedCluster.IsValid, @case);
        Assert.Equal(expected, Render(checkedCluster.Problems));
    }

    [Fact]
    public void The_table_covers_at_least_45_invalid_manifests() => Assert.True(Invalid.Count >= 45, $"{Invalid.Count} cases");

    [Fact]
    public void A_manifest_with_several_errors_lists_all_of_them_at_once_in_order()
    {
        const string yaml = """
            apiVersion: tusk.dev/v1
            kind: PostgresCluster
            metadata:
              name: Hippo
            spec:
              postgresVerison: 15
              port: 80
              instances:
                - name: instance1
                  replicas: 0
                  replcias: 2
              patroni:
                leaderLeaseDurationSeconds: 4
              users:
                - name: hippo
                  options: CREATEDB NOCREATEDB
                  password: {type: hex}
            """;

        var problems = Render(CheckOne(yaml, OnlyPostgres15).Problems);

        Assert.Equal(
            [
                "hippo.yaml:6:3: spec.postgresVerison: unknown field \"postgresVerison\"; did you mean \"postgresVersion\"?",
                "hippo.yaml:11:7: spec.instances[0].replcias: unknown field \"replcias\"; did you mean \"replicas\"?",
                $"hippo.yaml:4:9: metadata.name: \"Hippo\" is not a valid cluster name; use at most 40 {Label}",
                "hippo.yaml:7:9: spec.port: 80 is outside 1024–65534; choose a port in that range (the primary endpoint uses it and the replicas endpoint the next one)",
                "hippo.yaml:10:17: spec.instances[0].replicas: 0 is too small; an instance set needs at least 1 replica (to stop the cluster, set spec.shutdown: true)",
                "hippo.yaml:13:33: spec.patroni.leaderLeaseDurationSeconds: 4 is too short; Patroni cannot keep a leader with a lease under 5 seconds, so use at least 5 (the default is 30)",
                "hippo.yaml:16:16: spec.users[0].options: CREATEDB and NOCREATEDB contradict each other; keep one",
                "hippo.yaml:17:24: spec.users[0].password.type: \"hex\" is not a password type; use AlphaNumeric or ASCII",
            ],
            problems);
    }
}
