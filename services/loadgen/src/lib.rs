//! The measuring parts of the benchmarks (`benches/imrf-bench`): load
//! fixtures shaped like the platform's real inputs, the figures of a
//! measurement, and the CPU time each process spends.

pub mod cpu;
pub mod fixtures;
pub mod stats;
