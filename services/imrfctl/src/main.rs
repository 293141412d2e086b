//! imrfctl: the command-line client of the imrf platform.
//!
//! Exit codes scripts can rely on: 0 ok, 1 rejected input, 2 usage,
//! 3 service unavailable.

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use imrf_common::probe;
use serde::Serialize;

/// Exit code when a service could not be reached or is not serving.
const EXIT_UNAVAILABLE: u8 = 3;

#[derive(Debug, Parser)]
#[command(
    name = "imrfctl",
    version,
    about = "Drive the GCM review cycle from a terminal"
)]
struct Cli {
    #[command(flatten)]
    endpoints: Endpoints,
    /// Output format.
    #[arg(long, value_enum, global = true, default_value_t = Output::Text)]
    output: Output,
    #[command(subcommand)]
    command: Command,
}

/// Where the four services listen (the local stack's ports by default).
#[derive(Debug, clap::Args)]
struct Endpoints {
    /// regional-intake (regional reviews).
    #[arg(
        long,
        env = "IMRF_REGIONAL_URL",
        default_value = "http://127.0.0.1:50051",
        global = true
    )]
    regional_url: String,
    /// national-aggregation (national reports, aggregate).
    #[arg(
        long,
        env = "IMRF_NATIONAL_URL",
        default_value = "http://127.0.0.1:50052",
        global = true
    )]
    national_url: String,
    /// practices-hub (Repository of Practices).
    #[arg(
        long,
        env = "IMRF_PRACTICES_URL",
        default_value = "http://127.0.0.1:50053",
        global = true
    )]
    practices_url: String,
    /// report-compiler (cycles, drafts).
    #[arg(
        long,
        env = "IMRF_REPORT_URL",
        default_value = "http://127.0.0.1:50054",
        global = true
    )]
    report_url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Output {
    /// Lines for people.
    Text,
    /// JSON for scripts.
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The local stack.
    Stack {
        #[command(subcommand)]
        command: StackCommand,
    },
}

#[derive(Debug, Subcommand)]
enum StackCommand {
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

async fn stack_status(endpoints: &Endpoints, output: Output) -> anyhow::Result<ExitCode> {
    let statuses = [
        status_of("regional-intake", &endpoints.regional_url).await,
        status_of("national-aggregation", &endpoints.national_url).await,
        status_of("practices-hub", &endpoints.practices_url).await,
        status_of("report-compiler", &endpoints.report_url).await,
    ];
    match output {
        Output::Json => println!("{}", serde_json::to_string_pretty(&statuses)?),
        Output::Text => {
            for s in &statuses {
                println!("{:<22} {:<26} {}", s.service, s.url, s.status);
                for name in &s.services {
                    println!("{:<22} serves {name}", "");
                }
            }
        }
    }
    let all_serving = statuses.iter().all(|s| s.status == "SERVING");
    Ok(if all_serving {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_UNAVAILABLE)
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Stack {
            command: StackCommand::Status,
        } => stack_status(&cli.endpoints, cli.output).await,
    }
}
