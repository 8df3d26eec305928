namespace Tusk.Api.Validation;

/// <summary>
/// The [pgbouncer] settings of PgBouncer 1.18 (Debian 12's), so a misspelt override is refused
/// before PgBouncer would refuse to start, and the ones Tusk writes itself, with the reason.
/// </summary>
public static class PgBouncerSettings
{
    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        "logfile", "pidfile", "listen_addr", "listen_port", "unix_socket_dir", "unix_socket_mode", "unix_socket_group",
        "user", "pool_mode", "max_client_conn", "default_pool_size", "min_pool_size", "reserve_pool_size",
        "reserve_pool_timeout", "max_db_connections", "max_user_connections", "server_round_robin",
        "ignore_startup_parameters", "disable_pqexec", "application_name_add_host", "conffile", "service_name",
        "job_name", "stats_period", "auth_type", "auth_hba_file", "auth_file", "auth_user", "auth_query", "syslog",
        "syslog_ident", "syslog_facility", "log_connections", "log_disconnections", "log_pooler_errors", "log_stats",
        "verbose", "admin_users", "stats_users", "server_reset_query", "server_reset_query_always",
        "server_check_delay", "server_check_query", "server_fast_close", "server_lifetime", "server_idle_timeout",
        "server_connect_timeout", "server_login_retry", "client_login_timeout", "autodb_idle_timeout", "dns_max_ttl",
        "dns_nxdomain_ttl", "dns_zone_check_period", "resolv_conf", "query_timeout", "query_wait_timeout",
        "client_idle_timeout", "idle_transaction_timeout", "suspend_timeout", "pkt_buf", "max_packet_size",
        "listen_backlog", "sbuf_loopcnt", "so_reuseport", "tcp_defer_accept", "tcp_socket_buffer", "tcp_keepalive",
        "tcp_keepcnt", "tcp_keepidle", "tcp_keepintvl", "tcp_user_timeout", "client_tls_sslmode",
        "client_tls_key_file", "client_tls_cert_file", "client_tls_ca_file", "client_tls_protocols",
        "client_tls_ciphers", "client_tls_ecdhcurve", "client_tls_dheparams", "server_tls_sslmode",
        "server_tls_ca_file", "server_tls_key_file", "server_tls_cert_file", "server_tls_protocols",
        "server_tls_ciphers",
    };

    public static readonly IReadOnlyDictionary<string, string> Managed = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["listen_addr"] = "the pooler listens on 127.0.0.1",
        ["listen_port"] = "set spec.proxy.pgBouncer.port",
        ["unix_socket_dir"] = "clients connect over TCP with TLS",
        ["pool_mode"] = "set spec.proxy.pgBouncer.poolMode",
        ["default_pool_size"] = "set spec.proxy.pgBouncer.defaultPoolSize",
        ["max_client_conn"] = "set spec.proxy.pgBouncer.maxClientConn",
        ["auth_type"] = "clients authenticate with scram-sha-256",
        ["auth_file"] = "Tusk writes the pooler's own credentials",
        ["auth_user"] = "Tusk looks passwords up through its own role",
        ["auth_query"] = "Tusk looks passwords up through its own function",
        ["auth_hba_file"] = "clients authenticate with scram-sha-256",
        ["client_tls_sslmode"] = "TLS is required with Tusk's certificates",
        ["client_tls_key_file"] = "Tusk issues and renews the pooler's certificate",
        ["client_tls_cert_file"] = "Tusk issues and renews the pooler's certificate",
        ["client_tls_ca_file"] = "Tusk's CA signs the pooler's certificate",
        ["server_tls_sslmode"] = "the pooler verifies the servers' certificates",
        ["server_tls_ca_file"] = "the pooler verifies the servers against Tusk's CA",
        ["server_tls_key_file"] = "the pooler authenticates to the servers with passwords",
        ["server_tls_cert_file"] = "the pooler authenticates to the servers with passwords",
        ["logfile"] = "the agent collects the pooler's output (tusk logs)",
        ["pidfile"] = "the agent tracks the pooler's process",
        ["user"] = "the pooler runs as the service account",
        ["conffile"] = "Tusk writes the configuration file",
    };
}
