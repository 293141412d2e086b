//! The benchmark harness: each measurement in a module of its own, run in
//! order on one stack. `main.rs` runs it for `just bench`; the smoke test
//! (`tests/smoke.rs`) runs it at tiny scale so it cannot rot.

mod backup;
mod breakdown;
pub mod cli;
mod compile;
mod console;
mod durability;
mod exchange;
mod intake;
mod latency;
mod recovery;
mod search;
mod stack;

/// Runs every measurement, printing each table; returns the headings of
/// the sections that ran.
pub async fn run(cli: &cli::Cli) -> anyhow::Result<Vec<&'static str>> {
    anyhow::ensure!(
        cli.runs > 0 && cli.operations > 0,
        "runs and operations must be positive"
    );
    if cli.compile_breakdown {
        breakdown::run(cli, &stack::member_states())?;
        return Ok(vec!["## 3. Draft compile time"]);
    }
    let stack = stack::Stack::start().await?;
    let mut ran = Vec::new();
    intake::run(cli, &stack).await?;
    ran.push("## 1. Intake throughput");
    latency::run(cli, &stack).await?;
    ran.push("## 2. End-to-end latency");
    compile::run(cli, &stack).await?;
    ran.push("## 3. Draft compile time");
    search::run(cli, &stack).await?;
    ran.push("## 6. Search");
    console::run(cli, &stack).await?;
    ran.push("## 8. Console pages");
    exchange::run(cli, &stack).await?;
    ran.push("## 9. SDMX-CSV import");
    backup::run(cli, &stack).await?;
    ran.push("## 10. Backup and restore");
    recovery::run(cli, stack).await?;
    ran.extend(["## 5. Memory", "## 4. Recovery"]);
    durability::run(cli).await?;
    ran.push("## 7. Durability");
    Ok(ran)
}
