//! How a service reaches and uses NATS JetStream, from flags or `IMRF_*`
//! environment variables: the bus's own part of a service's configuration.

use std::path::PathBuf;
use std::time::Duration;

/// How the services reach and use NATS JetStream.
#[derive(Debug, Clone, clap::Args)]
pub struct BusConfig {
    /// NATS server URL (the local stack's is on port 4250); the nodes of a
    /// cluster separated by commas.
    #[arg(
        long = "nats-url",
        env = "IMRF_NATS_URL",
        default_value = "nats://127.0.0.1:4250"
    )]
    pub nats_url: String,

    /// Replicas of each stream and bucket: 1 for a single server, 3 in a
    /// JetStream cluster.
    #[arg(long = "nats-replicas", env = "IMRF_NATS_REPLICAS", default_value_t = 1,
          value_parser = parse_replicas)]
    pub replicas: usize,

    /// JetStream duplicate window of the streams (for example 2m, 30s).
    #[arg(long = "duplicate-window", env = "IMRF_DUPLICATE_WINDOW", default_value = "2m",
          value_parser = humantime::parse_duration)]
    pub duplicate_window: Duration,

    /// How long to keep trying to reach NATS at start-up.
    #[arg(long = "nats-connect-timeout", env = "IMRF_NATS_CONNECT_TIMEOUT", default_value = "30s",
          value_parser = humantime::parse_duration)]
    pub connect_timeout: Duration,

    /// How long to wait for JetStream to ack a publish or answer a request
    /// before answering UNAVAILABLE.
    #[arg(long = "nats-request-timeout", env = "IMRF_NATS_REQUEST_TIMEOUT", default_value = "5s",
          value_parser = humantime::parse_duration)]
    pub request_timeout: Duration,

    /// The service's NATS user (each service has its own, with rights on
    /// its own subjects only: deploy/nats-users.conf).
    #[arg(long = "nats-user", env = "IMRF_NATS_USER")]
    pub user: Option<String>,

    /// File holding the NATS user's password (a mounted secret).
    #[arg(long = "nats-password-file", env = "IMRF_NATS_PASSWORD_FILE")]
    pub password_file: Option<PathBuf>,

    /// Connect to NATS over TLS, trusting servers signed by this CA (PEM).
    #[arg(long = "nats-tls-ca-file", env = "IMRF_NATS_TLS_CA_FILE")]
    pub nats_tls_ca_file: Option<PathBuf>,

    /// Client certificate (PEM) for NATS servers that verify clients.
    #[arg(long = "nats-tls-cert-file", env = "IMRF_NATS_TLS_CERT_FILE")]
    pub nats_tls_cert_file: Option<PathBuf>,

    /// Private key of the NATS client certificate (PEM).
    #[arg(long = "nats-tls-key-file", env = "IMRF_NATS_TLS_KEY_FILE")]
    pub nats_tls_key_file: Option<PathBuf>,

    /// Keep streams and buckets in memory instead of on disk (tests only:
    /// nothing survives a server restart).
    #[arg(
        long = "nats-memory-storage",
        env = "IMRF_NATS_MEMORY_STORAGE",
        default_value_t = false
    )]
    pub memory_storage: bool,
}

impl BusConfig {
    /// Defaults for a server at `nats_url`.
    pub fn for_url(nats_url: impl Into<String>) -> Self {
        Self {
            nats_url: nats_url.into(),
            replicas: 1,
            duplicate_window: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(5),
            user: None,
            password_file: None,
            nats_tls_ca_file: None,
            nats_tls_cert_file: None,
            nats_tls_key_file: None,
            memory_storage: false,
        }
    }
}

/// Parses a replica count: 1 to 5, as JetStream allows.
pub fn parse_replicas(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=5).contains(&n) => Ok(n),
        _ => Err(format!(
            "'{text}' is not a replica count: use 1 to 5 (3 in a cluster)"
        )),
    }
}
