//! `imrfctl stack`: the state of the local stack.

use clap::Subcommand;
use imrf_common::probe;
use serde::Serialize;

use crate::outcome::Failure;
use crate::{Endpoints, Output, print_json};

/// The local stack.
#[derive(Debug, Subcommand)]
pub enum StackCommand {
    /// Show whether each service is serving, and what it serves.
    Status,
}

#[derive(Debug, Serialize)]
struct ServiceStatus {
    service: &'static str,
    url: String,
    status: String,
    services: Vec<String>,
}

async fn status_of(service: &'static str, url: &str) -> ServiceStatus {
    let (status, services) = match probe::connect(url).await {
        Err(err) => (format!("unreachable ({err})"), Vec::new()),
        Ok(channel) => match probe::health(channel.clone(), "").await {
            Err(err) => (format!("unreachable ({err})"), Vec::new()),
            Ok(health) => (
                health.as_str_name().to_string(),
                probe::list_services(channel).await.unwrap_or_default(),
            ),
        },
    };
    ServiceStatus {
        service,
        url: url.to_string(),
        status,
        services,
    }
}

/// Runs a stack command.
pub async fn run(
    command: StackCommand,
    endpoints: &Endpoints,
    output: Output,
) -> Result<(), Failure> {
    match command {
        StackCommand::Status => {
            let statuses = [
                status_of("regional-intake", &endpoints.regional_url).await,
                status_of("national-aggregation", &endpoints.national_url).await,
                status_of("practices-hub", &endpoints.practices_url).await,
                status_of("report-compiler", &endpoints.report_url).await,
            ];
            match output {
                Output::Json => print_json(&statuses),
                Output::Text => {
                    for s in &statuses {
                        println!("{:<22} {:<26} {}", s.service, s.url, s.status);
                        for name in s.services.iter().filter(|n| n.starts_with("imrf.")) {
                            println!("{:<22} serves {name}", "");
                        }
                    }
                }
            }
            let down: Vec<&str> = statuses
                .iter()
                .filter(|s| s.status != "SERVING")
                .map(|s| s.service)
                .collect();
            if down.is_empty() {
                Ok(())
            } else {
                Err(Failure::Unavailable(format!(
                    "not serving: {}",
                    down.join(", ")
                )))
            }
        }
    }
}
