//! Section 3, continued: where a full compile's time goes, measured in
//! process on the same inputs as the compile over gRPC (no bus, no gRPC):
//! gathering, composing, each rendering and its hash.

use std::time::Instant;

use imrf_loadgen::stats::spread;
use imrf_proto::v1::{Cycle, CyclePhase, DraftFormat};
use report_compiler::draft::compose::{DraftInputs, compose};
use report_compiler::draft::{data, docx, render, sha256_hex};
use report_compiler::inputs::Inputs;

use super::cli::Cli;

/// Prints the time of each step of a compile, median of `cli.runs`.
pub fn run(cli: &Cli, states: &[String]) -> anyhow::Result<()> {
    let cycle = Cycle {
        cycle_id: "2026".into(),
        title: "Benchmark".into(),
        phase: CyclePhase::Collecting as i32,
        schedule: Some(super::compile::schedule()),
        ..Default::default()
    };
    let inputs = inputs(states, cli.practices);
    let mut steps: Vec<(&str, Vec<f64>)> = [
        "gather the inputs",
        "compose",
        "JSON",
        "Markdown",
        "HTML",
        "DOCX",
        "SHA-256 of the four",
        "on request, not in a compile: XLSX of the data",
        "on request, not in a compile: SDMX-CSV of the data",
    ]
    .into_iter()
    .map(|s| (s, Vec::new()))
    .collect();
    let mut sizes = Vec::new();
    // The baseline: a fixed amount of CPU work (hashing 16 MiB), timed in
    // the same run, so the steps can be compared across machines and runs
    // as ratios.
    let block = vec![0x5au8; 16 << 20];
    let mut baseline = Vec::new();
    for _ in 0..cli.runs {
        let t = Instant::now();
        std::hint::black_box(sha256_hex(std::hint::black_box(&block)));
        baseline.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let (base, base_lo, base_hi) = spread(baseline);
    for _ in 0..cli.runs {
        let mut time = |n: usize, t: Instant| steps[n].1.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let gathered = DraftInputs::gather(&cycle, &inputs);
        time(0, t);
        let t = Instant::now();
        let draft = compose(&gathered);
        time(1, t);
        let t = Instant::now();
        let json = render::json(&draft)?;
        time(2, t);
        let t = Instant::now();
        let md = render::markdown(&draft);
        time(3, t);
        let t = Instant::now();
        let html = render::html(&draft);
        time(4, t);
        let t = Instant::now();
        let docx = docx::docx(&draft)?;
        time(5, t);
        let t = Instant::now();
        let mut renderings = vec![
            (DraftFormat::Json, json),
            (DraftFormat::Markdown, md),
            (DraftFormat::Html, html),
            (DraftFormat::Docx, docx),
        ];
        for (_, bytes) in &renderings {
            std::hint::black_box(sha256_hex(bytes));
        }
        time(6, t);
        let t = Instant::now();
        renderings.push((DraftFormat::Xlsx, data::xlsx(&draft)?));
        time(7, t);
        let t = Instant::now();
        renderings.push((DraftFormat::SdmxCsv, data::sdmx_csv(&draft)));
        time(8, t);
        sizes = renderings
            .iter()
            .map(|(f, b)| format!("{} {} bytes", f.as_str_name(), b.len()))
            .collect();
    }
    println!("Where the time of a full compile goes, in process, one thread, step by step:\n");
    println!("| step | median ms (min-max) | ratio to the baseline |");
    println!("| --- | ---: | ---: |");
    println!("| baseline: SHA-256 of 16 MiB | {base:.1} ({base_lo:.1}-{base_hi:.1}) | 1.00 |");
    let mut total = 0.0;
    for (step, samples) in steps {
        let (m, lo, hi) = spread(samples);
        if !step.starts_with("on request") {
            total += m;
        }
        println!("| {step} | {m:.1} ({lo:.1}-{hi:.1}) | {:.2} |", m / base);
    }
    println!(
        "| sum of the medians of a compile's steps | {total:.1} | {:.2} |",
        total / base
    );
    println!("\n{}\n", sizes.join(", "));
    Ok(())
}

/// report-compiler's read model of the compile benchmark's inputs.
fn inputs(states: &[String], practices: usize) -> Inputs {
    let (submissions, publications) = super::compile::compile_scale_events(states, practices);
    Inputs::from_streams(submissions.into_iter().chain(publications))
}
