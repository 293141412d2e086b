//! Starts the console: configuration, telemetry, build, serve until SIGINT/SIGTERM.

use anyhow::Context;
use clap::Parser;
use imrf_console::{Application, Config, SERVICE_NAME};
use imrf_platform::{serve::shutdown_signal, telemetry};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    let tracing = telemetry::init_exporting(
        config.log_format,
        config.otlp_endpoint.as_deref(),
        SERVICE_NAME,
    )?;
    tracing
        .flush_after(async {
            let app = Application::build(config)
                .await
                .with_context(|| format!("{SERVICE_NAME} could not start"))?;
            app.run_until_stopped(shutdown_signal()).await?;
            Ok(())
        })
        .await
}
