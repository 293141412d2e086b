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
mod token;

use clap::Parser;

use cli::{Endpoints, Output, print_json};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    cli::run(cli::Cli::parse()).await
}
