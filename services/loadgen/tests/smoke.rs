//! The benchmark harness at tiny scale: every measurement runs end to end,
//! so the harness cannot rot between benchmark runs. Nothing is timed.

#[test]
fn the_benchmark_harness_runs_at_tiny_scale() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_imrf-bench"))
        .arg("--smoke")
        .output();
    let Ok(output) = output else {
        panic!("imrf-bench did not start");
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for section in [
        "## 1. Intake throughput",
        "## 2. End-to-end latency",
        "## 3. Draft compile time",
        "## 4. Recovery",
        "## 5. Memory",
        "## 6. Search",
    ] {
        assert!(stdout.contains(section), "missing {section}:\n{stdout}");
    }
}
