namespace Tusk.Api.Validation;

/// <summary>
/// PostgreSQL parameters Tusk must own: the runtime sets them (ports, paths, TLS, replication
/// plumbing) and a user value would break the cluster or its security. The reason says why.
/// </summary>
public static class ReservedParameters
{
    public static readonly IReadOnlyDictionary<string, string> Reasons = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["port"] = "each instance gets its own port; set spec.port for the cluster's endpoint",
        ["listen_addresses"] = "Tusk binds each instance to the addresses its endpoints need",
        ["data_directory"] = "Tusk places data under its state directory",
        ["hba_file"] = "Tusk writes pg_hba; add rules with spec.patroni.dynamicConfiguration.postgresql.pg_hba",
        ["ident_file"] = "Tusk writes pg_ident",
        ["config_file"] = "Patroni writes postgresql.conf",
        ["external_pid_file"] = "Tusk tracks the postmaster through postmaster.pid",
        ["unix_socket_directories"] = "each instance gets a private socket directory",
        ["ssl"] = "TLS is always on (for your own certificates use spec.customTLS locally, spec.customTLSSecret on Kubernetes)",
        ["ssl_cert_file"] = "Tusk issues the server certificate",
        ["ssl_key_file"] = "Tusk issues the server certificate",
        ["ssl_ca_file"] = "Tusk issues the certificates from its own CA",
        ["password_encryption"] = "Tusk stores passwords as scram-sha-256 only",
        ["primary_conninfo"] = "Patroni manages replication",
        ["primary_slot_name"] = "Patroni manages replication slots",
        ["hot_standby"] = "Patroni manages standbys",
        ["restore_command"] = "Tusk configures restores with pgBackRest",
        ["archive_command"] = "Tusk configures WAL archiving with pgBackRest",
        ["archive_mode"] = "Tusk configures WAL archiving with pgBackRest",
        ["recovery_target"] = "use a restore with a target instead",
        ["recovery_target_lsn"] = "use a restore with a target instead",
        ["recovery_target_name"] = "use a restore with a target instead",
        ["recovery_target_time"] = "use a restore with a target instead",
        ["recovery_target_xid"] = "use a restore with a target instead",
        ["synchronous_standby_names"] = "set spec.patroni.synchronousMode: true and Patroni manages it",
        ["cluster_name"] = "Tusk names each instance after its member",
    };
}
