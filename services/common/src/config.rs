//! Typed configuration, from flags or the environment (`IMRF_*`), validated
//! once at start-up. This is the only module that reads the environment.

use std::net::SocketAddr;
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
          value_parser = parse_duration)]
    pub duplicate_window: Duration,

    /// How long to keep trying to reach NATS at start-up.
    #[arg(long = "nats-connect-timeout", env = "IMRF_NATS_CONNECT_TIMEOUT", default_value = "30s",
          value_parser = parse_duration)]
    pub connect_timeout: Duration,

    /// How long to wait for JetStream to ack a publish or answer a request
    /// before answering UNAVAILABLE.
    #[arg(long = "nats-request-timeout", env = "IMRF_NATS_REQUEST_TIMEOUT", default_value = "5s",
          value_parser = parse_duration)]
    pub request_timeout: Duration,

    /// The service's NATS user (each service has its own, with rights on
    /// its own subjects only: deploy/nats-users.conf).
    #[arg(long = "nats-user", env = "IMRF_NATS_USER")]
    pub user: Option<String>,

    /// File holding the NATS user's password (a mounted secret).
    #[arg(long = "nats-password-file", env = "IMRF_NATS_PASSWORD_FILE")]
    pub password_file: Option<std::path::PathBuf>,

    /// Connect to NATS over TLS, trusting servers signed by this CA (PEM).
    #[arg(long = "nats-tls-ca-file", env = "IMRF_NATS_TLS_CA_FILE")]
    pub nats_tls_ca_file: Option<std::path::PathBuf>,

    /// Client certificate (PEM) for NATS servers that verify clients.
    #[arg(long = "nats-tls-cert-file", env = "IMRF_NATS_TLS_CERT_FILE")]
    pub nats_tls_cert_file: Option<std::path::PathBuf>,

    /// Private key of the NATS client certificate (PEM).
    #[arg(long = "nats-tls-key-file", env = "IMRF_NATS_TLS_KEY_FILE")]
    pub nats_tls_key_file: Option<std::path::PathBuf>,

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

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Settings every service shares.
#[derive(Debug, Clone, clap::Args)]
pub struct ServiceConfig {
    /// Address to serve gRPC on; port 0 picks a free one. Defaults to the
    /// service's port on 127.0.0.1.
    #[arg(long, env = "IMRF_LISTEN")]
    pub listen: Option<SocketAddr>,

    /// Write the bound address to this file once serving (for supervisors
    /// and tests that start the service on port 0).
    #[arg(long = "addr-file", env = "IMRF_ADDR_FILE")]
    pub addr_file: Option<PathBuf>,

    /// Log format.
    #[arg(long = "log-format", env = "IMRF_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Longest wait for in-flight calls and acks to finish on shutdown.
    #[arg(long = "shutdown-grace", env = "IMRF_SHUTDOWN_GRACE", default_value = "10s",
          value_parser = parse_duration)]
    pub shutdown_grace: Duration,

    /// Run on a simulated calendar starting at this instant (RFC 3339, for
    /// example 2026-02-02T08:00:00Z) and advancing in real time: for demos,
    /// rehearsals and simulations. The system clock when absent.
    #[arg(long = "clock-start", env = "IMRF_CLOCK_START", value_parser = parse_instant)]
    pub clock_start: Option<std::time::SystemTime>,

    /// NATS settings.
    #[command(flatten)]
    pub bus: BusConfig,

    /// How callers' tokens are verified.
    #[command(flatten)]
    pub auth: crate::auth::AuthConfig,

    /// Concurrency and rate limits.
    #[command(flatten)]
    pub limits: crate::gate::LimitsConfig,

    /// TLS of the gRPC listener.
    #[command(flatten)]
    pub tls: crate::tls::ServerTls,
}

impl ServiceConfig {
    /// The address to listen on: the configured one, else 127.0.0.1 on
    /// `default_port`.
    pub fn listen_addr(&self, default_port: u16) -> SocketAddr {
        self.listen
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], default_port)))
    }
}

/// Parses an RFC 3339 instant.
pub fn parse_instant(text: &str) -> Result<std::time::SystemTime, String> {
    time::OffsetDateTime::parse(text.trim(), &time::format_description::well_known::Rfc3339)
        .map(std::time::SystemTime::from)
        .map_err(|e| {
            format!("'{text}' is not an RFC 3339 instant such as 2026-02-02T08:00:00Z: {e}")
        })
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

/// Parses a duration such as `250ms`, `30s`, `2m` or `1h`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("'{text}' has no unit: use ms, s, m or h"))?;
    let (number, unit) = text.split_at(split);
    let value: u64 = number
        .parse()
        .map_err(|_| format!("'{text}' does not start with a whole number"))?;
    match unit {
        "ms" => Ok(Duration::from_millis(value)),
        "s" => Ok(Duration::from_secs(value)),
        "m" => Ok(Duration::from_secs(value * 60)),
        "h" => Ok(Duration::from_secs(value * 3600)),
        other => Err(format!(
            "unknown unit '{other}' in '{text}': use ms, s, m or h"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        service: ServiceConfig,
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("2").is_err());
        assert!(parse_duration("2d").is_err());
        assert!(parse_duration("m").is_err());
    }

    #[test]
    fn flags_parse_and_bad_values_are_refused() {
        let cli = Cli::try_parse_from([
            "svc",
            "--listen",
            "127.0.0.1:0",
            "--nats-url",
            "nats://127.0.0.1:1",
            "--duplicate-window",
            "1s",
        ]);
        let Ok(cli) = cli else {
            panic!("flags should parse");
        };
        assert_eq!(cli.service.bus.duplicate_window, Duration::from_secs(1));
        assert_eq!(cli.service.listen_addr(50051).port(), 0);
        assert!(Cli::try_parse_from(["svc", "--nats-replicas", "0"]).is_err());
        assert!(Cli::try_parse_from(["svc", "--listen", "nowhere"]).is_err());
    }
}
