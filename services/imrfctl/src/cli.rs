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
use crate::store::StoreCommand;
use crate::token::TokenCommand;
use crate::{cycle, demo, network, practice, report, review, session, stack, store, token};

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
    /// JSON for scripts (the canonical proto3 JSON of the responses);
    /// errors too, on standard error.
    Json,
    /// The same content as the JSON, as YAML.
    Yaml,
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
    /// The NATS JetStream store (operators): what it holds, its backup
    /// and its restore.
    Store {
        #[command(subcommand)]
        command: StoreCommand,
    },
    /// Bearer tokens (for the local stack, or wherever you hold the key).
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Print the shell completion script: `imrfctl completion bash >
    /// ~/.local/share/bash-completion/completions/imrfctl`.
    Completion {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
}

/// The command line's definition, with the options every command takes
/// listed once, under `imrfctl --help`, instead of in the help of each of
/// its forty-odd commands.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let mut command = Cli::command();
    let globals: Vec<clap::Arg> = command
        .get_arguments()
        .filter(|a| a.is_global_set())
        .cloned()
        .collect();
    let mut listed = String::from("Options of every command (give them before or after it):\n");
    for arg in &globals {
        let flag = arg
            .get_long()
            .map_or_else(String::new, |l| format!("--{l}"));
        let value = arg
            .get_value_names()
            .and_then(|v| v.first())
            .map_or_else(String::new, |v| format!(" <{v}>"));
        let help = arg.get_help().map_or_else(String::new, |h| h.to_string());
        let choices: Vec<String> = arg
            .get_possible_values()
            .iter()
            .map(|v| v.get_name().to_string())
            .collect();
        let choices = if choices.is_empty() {
            String::new()
        } else {
            format!(": {}", choices.join(", "))
        };
        let default = arg
            .get_default_values()
            .first()
            .map_or_else(String::new, |d| {
                format!(" [default: {}]", d.to_string_lossy())
            });
        let env = arg
            .get_env()
            .map_or_else(String::new, |e| format!(" [env: {}]", e.to_string_lossy()));
        listed.push_str(&format!(
            "  {flag}{value}\n      {help}{choices}{default}{env}\n"
        ));
        command = command.mut_arg(arg.get_id().clone(), |a| a.hide(true));
    }
    let after = command
        .get_after_help()
        .map_or_else(String::new, |h| h.to_string());
    command.after_help(format!("{listed}\n{after}"))
}

/// The command line of this process, parsed by [`command`].
pub fn parse() -> Cli {
    use clap::FromArgMatches;
    let matches = command().get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// An instant as people read it in a terminal and scripts parse it: RFC
/// 3339, UTC, to the second; empty when there is none.
pub fn instant(t: Option<&imrf_proto::wkt::Timestamp>) -> String {
    t.map(imrf_proto::system_time)
        .map_or_else(String::new, |t| {
            humantime::format_rfc3339_seconds(t).to_string()
        })
}

/// Prints `value` as `output` asks for data: pretty JSON, or YAML.
pub fn print_data<T: serde::Serialize>(output: Output, value: &T) {
    let text = match output {
        Output::Yaml => serde_json::to_value(value)
            .map_err(|e| e.to_string())
            .and_then(|v| serde_yaml_ng::to_string(&v).map_err(|e| e.to_string())),
        Output::Json | Output::Text => {
            serde_json::to_string_pretty(value).map_err(|e| e.to_string())
        }
    };
    match text {
        Ok(text) => println!("{}", text.trim_end()),
        Err(err) => eprintln!("error: cannot render the output: {err}"),
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
        Command::Store { command } => store::run(command, cli.output).await,
        Command::Token { command } => token::run(command, &cli.credentials, cli.output),
        Command::Completion { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command(), "imrfctl", &mut script);
            write_stdout(&script)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            match cli.output {
                Output::Text => eprintln!("{failure}"),
                Output::Json | Output::Yaml => {
                    let mut stderr = std::io::stderr();
                    let _ = std::io::Write::write_all(
                        &mut stderr,
                        format!("{}\n", failure.to_json()).as_bytes(),
                    );
                }
            }
            failure.exit_code()
        }
    }
}

/// Writes `bytes` to standard output; a reader that has gone (`| head`)
/// ends the command quietly.
fn write_stdout(bytes: &[u8]) -> Result<(), crate::outcome::Failure> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(
            crate::outcome::Failure::Input(format!("cannot write to standard output: {e}")),
        ),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
        command().debug_assert();
    }
}
