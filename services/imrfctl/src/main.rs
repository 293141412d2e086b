//! imrfctl: the command-line client of the imrf platform, for the regional
//! commissions, Member States, the Network's curators and the secretariat.
//!
//! Exit codes scripts can rely on: 0 ok, 1 rejected input, 2 usage,
//! 3 service unavailable.

mod cli;
mod cycle;
mod demo;
mod import;
mod input;
mod network;
mod outcome;
mod practice;
mod report;
mod review;
mod session;
mod stack;
mod store;
mod token;

use cli::{Endpoints, Output, print_data};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    quiet_on_closed_pipe();
    cli::run(cli::parse()).await
}

/// Ends the process quietly, with success, when standard output's reader
/// has gone (`imrfctl … | head`). `println!` panics on a closed pipe, and
/// Rust ignores SIGPIPE, which would otherwise have ended the process as
/// it ends `cat`; restoring the signal takes unsafe code, which the
/// workspace forbids, so the panic is recognized instead.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}
