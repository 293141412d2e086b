//! The benchmark's flags.

use clap::Parser;

#[derive(Debug, Parser)]
#[command(
    name = "imrf-bench",
    about = "Benchmarks of the imrf platform against same-run baselines"
)]
pub struct Cli {
    /// Submissions per concurrency level and run (intake).
    #[arg(long, default_value_t = 2_000)]
    pub operations: usize,
    /// Runs per measurement; the median is reported with min and max.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Concurrency levels (intake).
    #[arg(long, value_delimiter = ',', default_values_t = [1usize, 16, 64])]
    pub concurrency: Vec<usize>,
    /// Steady submission rates for end-to-end latency, per second.
    #[arg(long, value_delimiter = ',', default_values_t = [200u32, 1000])]
    pub rates: Vec<u32>,
    /// Seconds each steady rate is held.
    #[arg(long, default_value_t = 5)]
    pub rate_seconds: u64,
    /// Published practices for the compile and search benchmarks.
    #[arg(long, default_value_t = 5_000)]
    pub practices: usize,
    /// Events in NATIONAL for the recovery benchmark.
    #[arg(long, default_value_t = 200_000)]
    pub recovery_events: usize,
    /// Rows of the SDMX-CSV file the import benchmark takes.
    #[arg(long, default_value_t = 100_000)]
    pub sdmx_rows: usize,
    /// Search queries per run.
    #[arg(long, default_value_t = 2_000)]
    pub queries: usize,
    /// Only where a full compile's time goes, in process: no stack, no
    /// bus, no gRPC.
    #[arg(long)]
    pub compile_breakdown: bool,
    /// Tiny sizes everywhere: checks the harness in seconds.
    #[arg(long)]
    pub smoke: bool,
    /// What `cargo bench` passes to a bench without the test harness.
    #[arg(long, hide = true)]
    pub bench: bool,
}

impl Cli {
    /// Tiny sizes everywhere (what `--smoke` asks for).
    #[allow(
        dead_code,
        reason = "the smoke test's sizes; the bench parses its flags"
    )]
    pub fn smoke() -> Self {
        Self::parse_from(["imrf-bench", "--smoke"]).shrink()
    }

    /// Applies `--smoke`.
    pub fn shrink(mut self) -> Self {
        if self.smoke {
            self.operations = 20;
            self.runs = 1;
            self.concurrency = vec![1, 4];
            self.rates = vec![50];
            self.rate_seconds = 1;
            self.practices = 30;
            self.recovery_events = 300;
            self.queries = 20;
            self.sdmx_rows = 500;
        }
        self
    }
}
