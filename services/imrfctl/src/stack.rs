//! `imrfctl stack`: the state of the local stack.

use clap::Subcommand;
use imrf_platform::probe;
use serde::Serialize;

use crate::outcome::Failure;
use crate::{Endpoints, Output, print_data};

/// The local stack.
#[derive(Debug, Subcommand)]
pub enum StackCommand {
    /// Start nats-server on 127.0.0.1:4250 and the four services (run from
    /// the repository; logs in .data/log/).
    Up,
    /// Stop what `stack up` started.
    Down,
    /// Show whether each service is serving, and what it serves.
    Status,
}

/// The repository root: the nearest directory, from the current one up,
/// holding the local stack scripts.
fn repository() -> Result<std::path::PathBuf, Failure> {
    let start = std::env::current_dir()
        .map_err(|e| Failure::Usage(format!("no current directory: {e}")))?;
    start
        .ancestors()
        .find(|dir| dir.join("deploy/local/up.sh").is_file())
        .map(std::path::Path::to_path_buf)
        .ok_or_else(|| Failure::Usage("the local stack scripts (deploy/local/up.sh) are not in this directory or above: run from the repository".into()))
}

fn script(name: &str) -> Result<(), Failure> {
    let root = repository()?;
    let status = std::process::Command::new("bash")
        .arg(root.join("deploy/local").join(name))
        .current_dir(&root)
        .status()
        .map_err(|e| Failure::Unavailable(format!("cannot run {name}: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(Failure::Unavailable(format!("{name} failed ({status})")))
    }
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
        StackCommand::Up => script("up.sh"),
        StackCommand::Down => script("down.sh"),
        StackCommand::Status => {
            let statuses = [
                status_of("regional-intake", &endpoints.regional_url).await,
                status_of("national-aggregation", &endpoints.national_url).await,
                status_of("practices-hub", &endpoints.practices_url).await,
                status_of("report-compiler", &endpoints.report_url).await,
            ];
            match output {
                Output::Json | Output::Yaml => print_data(output, &statuses),
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
            // A service that answers but does not serve has lost the event
            // bus: that is the only reason it reports NOT_SERVING.
            let answering = statuses.iter().any(|s| s.status == "NOT_SERVING");
            if down.is_empty() {
                Ok(())
            } else {
                Err(Failure::Unavailable(format!(
                    "not serving: {}{}",
                    down.join(", "),
                    if answering {
                        "; a service that answers NOT_SERVING cannot reach the event bus (NATS): check that nats-server is running and reachable from the services"
                    } else {
                        ""
                    }
                )))
            }
        }
    }
}
