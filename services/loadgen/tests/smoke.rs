//! The benchmark harness at tiny scale: every measurement runs end to end,
//! against the service binaries the tests run, so the harness cannot rot
//! between benchmark runs. Nothing is timed.

#[path = "../benches/imrf-bench/mod.rs"]
mod harness;

#[tokio::test(flavor = "multi_thread")]
async fn the_benchmark_harness_runs_at_tiny_scale() -> anyhow::Result<()> {
    let sections = harness::run(&harness::cli::Cli::smoke()).await?;
    for section in [
        "## 1. Intake throughput",
        "## 2. End-to-end latency",
        "## 3. Draft compile time",
        "## 4. Recovery",
        "## 5. Memory",
        "## 6. Search",
        "## 8. Console pages",
        "## 9. SDMX-CSV import",
        "## 10. Backup and restore",
    ] {
        assert!(
            sections.contains(&section),
            "missing {section}: {sections:?}"
        );
    }
    Ok(())
}
