//! The command line: every command and its flags, and the dispatch to the
//! module that carries it out.

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::cycle::{CycleCommand, DraftCommand};
use crate::network::NetworkCommand;
use crate::practice::PracticeCommand;
use crate::report::{AggregateCommand, ReportCommand};
use crate::review::ReviewCommand;
use crate::stack::StackCommand;
use crate::token::TokenCommand;
use crate::{cycle, demo, network, practice, report, review, session, stack, token};

#[derive(Debug, Parser)]
#[command(
    name = "imrfctl",
    version,
    about = "Drive the review cycle of the Global Compact for Migration from a terminal",
    after_help = "Exit codes: 0 ok, 1 input rejected, 2 usage, 3 service unavailable.\n\
                  Input files are JSON or YAML with the fields of the imrf.v1 messages;\n\
                  see proto/imrf/v1/ and the examples in deploy/demo/."
)]
pub struct Cli {
    #[command(flatten)]
    endpoints: Endpoints,
    /// Output format.
    #[arg(long, value_enum, global = true, default_value_t = Output::Text)]
    output: Output,
    #[command(flatten)]
    credentials: session::Credentials,
    #[command(subcommand)]
    command: Command,
}

/// Where the four services listen (the local stack's ports by default).
#[derive(Debug, clap::Args)]
pub struct Endpoints {
    /// regional-intake (regional reviews).
    #[arg(
        long,
        env = "IMRF_REGIONAL_URL",
        default_value = "http://127.0.0.1:50051",
        global = true
    )]
    pub(crate) regional_url: String,
    /// national-aggregation (national reports, aggregate).
    #[arg(
        long,
        env = "IMRF_NATIONAL_URL",
        default_value = "http://127.0.0.1:50052",
        global = true
    )]
    pub(crate) national_url: String,
    /// practices-hub (Repository of Practices).
    #[arg(
        long,
        env = "IMRF_PRACTICES_URL",
        default_value = "http://127.0.0.1:50053",
        global = true
    )]
    pub(crate) practices_url: String,
    /// report-compiler (cycles, drafts).
    #[arg(
        long,
        env = "IMRF_REPORT_URL",
        default_value = "http://127.0.0.1:50054",
        global = true
    )]
    pub(crate) report_url: String,
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// Lines for people.
    Text,
    /// JSON for scripts (the canonical proto3 JSON of the responses).
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Review cycles (secretariat).
    Cycle {
        #[command(subcommand)]
        command: CycleCommand,
    },
    /// Drafts of the biennial report (secretariat).
    Draft {
        #[command(subcommand)]
        command: DraftCommand,
    },
    /// Regional reviews (regional commissions).
    Review {
        #[command(subcommand)]
        command: ReviewCommand,
    },
    /// National reports (Member States).
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// The live aggregate of a cycle (secretariat).
    Aggregate {
        #[command(subcommand)]
        command: AggregateCommand,
    },
    /// The Repository of Practices (submitters, curators, readers).
    Practice {
        #[command(subcommand)]
        command: PracticeCommand,
    },
    /// The UN Network on Migration's contribution to a cycle's report.
    Network {
        #[command(subcommand)]
        command: NetworkCommand,
    },
    /// Run a whole review cycle on the bundled illustrative inputs against
    /// running services (on a fresh store) and write the draft out.
    Demo {
        /// Folder of the illustrative inputs.
        #[arg(long, default_value = "deploy/demo")]
        inputs: std::path::PathBuf,
        /// Folder to write draft.{md,html,docx,json,xlsx,sdmx.csv} to.
        #[arg(long, default_value = "out")]
        out: std::path::PathBuf,
    },
    /// The local stack.
    Stack {
        #[command(subcommand)]
        command: StackCommand,
    },
    /// Bearer tokens (for the local stack, or wherever you hold the key).
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

/// Prints `value` as pretty JSON.
pub fn print_json<T: serde::Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(err) => eprintln!("error: cannot render JSON: {err}"),
    }
}

/// Runs the command `cli` names; the exit code says how it went.
pub async fn run(cli: Cli) -> ExitCode {
    session::init(cli.credentials.clone());
    let result = match cli.command {
        Command::Cycle { command } => {
            cycle::run_cycle(command, &cli.endpoints.report_url, cli.output).await
        }
        Command::Draft { command } => {
            cycle::run_draft(command, &cli.endpoints.report_url, cli.output).await
        }
        Command::Review { command } => {
            review::run(command, &cli.endpoints.regional_url, cli.output).await
        }
        Command::Report { command } => {
            report::run_report(command, &cli.endpoints.national_url, cli.output).await
        }
        Command::Aggregate { command } => {
            report::run_aggregate(command, &cli.endpoints.national_url, cli.output).await
        }
        Command::Practice { command } => {
            practice::run(
                command,
                &cli.endpoints.practices_url,
                cli.credentials.subject.as_deref(),
                cli.output,
            )
            .await
        }
        Command::Network { command } => {
            network::run(command, &cli.endpoints.practices_url, cli.output).await
        }
        Command::Demo { inputs, out } => demo::run(&cli.endpoints, &inputs, &out).await,
        Command::Stack { command } => stack::run(command, &cli.endpoints, cli.output).await,
        Command::Token { command } => token::run(command, &cli.credentials, cli.output),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{failure}");
            failure.exit_code()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
