//! imrf-bench: measures the platform against baselines taken in the same
//! run, on one fresh nats-server (file storage, temp dir) with the service
//! binaries built beside it (release for `just bench`), and prints a
//! Markdown table. Figures are measured, never asserted.

#[path = "mod.rs"]
mod harness;

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = harness::cli::Cli::parse().shrink();
    harness::run(&cli).await.map(|_| ())
}
