//! Typed configuration, from flags or the environment (`IMRF_*`), validated
//! once at start-up. This is the only module that reads the environment.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

pub use imrf_bus::config::BusConfig;

pub use crate::telemetry::LogFormat;

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

    /// Address to serve Prometheus metrics on (`GET /metrics`); port 0
    /// picks a free one. No metrics listener when absent.
    #[arg(long = "metrics-listen", env = "IMRF_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,

    /// Write the metrics listener's bound address to this file.
    #[arg(long = "metrics-addr-file", env = "IMRF_METRICS_ADDR_FILE")]
    pub metrics_addr_file: Option<PathBuf>,

    /// Log format.
    #[arg(long = "log-format", env = "IMRF_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Export spans over OTLP/gRPC to this collector (for example
    /// http://otel-collector:4317): one trace per submission across the
    /// services and the bus. No export when absent.
    #[arg(long = "otlp-endpoint", env = "IMRF_OTLP_ENDPOINT")]
    pub otlp_endpoint: Option<String>,

    /// Longest wait for in-flight calls and acks to finish on shutdown.
    #[arg(long = "shutdown-grace", env = "IMRF_SHUTDOWN_GRACE", default_value = "10s",
          value_parser = humantime::parse_duration)]
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
        assert!(Cli::try_parse_from(["svc", "--duplicate-window", "2"]).is_err());
    }
}
