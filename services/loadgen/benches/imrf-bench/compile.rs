//! Section 3: Draft compile time at the scale of a full cycle.

use std::time::{Duration, Instant};

use anyhow::Context;
use imrf_bus::names::subject;
use imrf_bus::{Bus, Expect};
use imrf_loadgen::fixtures;
use imrf_loadgen::stats::{micros, spread};
use imrf_platform::auth::AuthChannel;
use imrf_proto::v1::biennial_report_compiler_client::BiennialReportCompilerClient;
use imrf_proto::v1::review_cycle_client::ReviewCycleClient;
use imrf_proto::v1::{CompileDraftRequest, CycleSchedule, GetCycleRequest, OpenCycleRequest};

use super::cli::Cli;
use super::stack::{Stack, date, publish_all};

/// Loads a full cycle's inputs and times the compile.
pub async fn run(cli: &Cli, stack: &Stack) -> anyhow::Result<()> {
    let Stack {
        bus,
        report_channel,
        states,
        ..
    } = stack;
    let mut cycles = ReviewCycleClient::new(report_channel.clone());
    // 3. Compile: 193 reports, 5 regional reviews, many practices.
    println!("\n## 3. Draft compile time\n");
    open_cycle(&mut cycles, "2026").await?;
    let t = Instant::now();
    load_compile_scale(bus, states, cli.practices).await?;
    println!(
        "loaded {} reports, 5 reviews, {} published practices onto the streams in {:.1} s\n",
        states.len(),
        cli.practices,
        t.elapsed().as_secs_f64()
    );
    let mut drafts = BiennialReportCompilerClient::new(report_channel.clone());
    let expected = states.len() + 5 + cli.practices;
    let mut n = 0u32;
    // Wait (outside the measurement) until report-compiler has every input,
    // then time a full compile.
    let first = compile_until(&mut drafts, &mut n, |inputs| inputs >= expected).await?;
    let mut full = Vec::new();
    let mut cycle_rtt = Vec::new();
    for _ in 0..cli.runs {
        let t = Instant::now();
        cycles
            .get_cycle(GetCycleRequest {
                cycle_id: "2026".into(),
            })
            .await?;
        cycle_rtt.push(micros(t) as f64 / 1000.0);
        let t = Instant::now();
        compile(&mut drafts, &mut n).await?;
        full.push(micros(t) as f64 / 1000.0);
    }
    let (gc, _, _) = spread(cycle_rtt);
    let (fm, fmin, fmax) = spread(full);
    let sizes: Vec<String> = first
        .renderings
        .iter()
        .map(|r| format!("{} bytes", r.size))
        .collect();
    println!("| measurement | median ms (min-max) | ratio to GetCycle round trip |");
    println!("| --- | ---: | ---: |");
    println!("| GetCycle round trip (baseline) | {gc:.2} | 1.00 |");
    println!(
        "| full compile, four formats (inputs unchanged: compose + render + hash) | {fm:.1} ({fmin:.1}-{fmax:.1}) | {:.0} |",
        fm / gc
    );
    let t = Instant::now();
    bus.publish_event(
        &subject::national_report("KEN", "2026", "VNR"),
        &fixtures::report_event(&fixtures::realistic_report("2026", "KEN"), 2),
        Expect::Any,
        None,
    )
    .await?;
    let incremental = compile_until(&mut drafts, &mut n, |_| true).await;
    let _ = incremental;
    let incremental_ms = loop {
        let t2 = Instant::now();
        let d = compile(&mut drafts, &mut n).await?;
        if d.inputs
            .iter()
            .filter_map(|i| i.source.as_ref())
            .any(|s| s.id == "2026-KEN-VNR" && s.revision == 2)
        {
            break micros(t2) as f64 / 1000.0;
        }
        anyhow::ensure!(
            t.elapsed() < Duration::from_secs(60),
            "the new report never reached the draft"
        );
    };
    println!(
        "| incremental compile after one new report (new version stored) | {incremental_ms:.1} | {:.0} |",
        incremental_ms / gc
    );
    println!("\nrenderings of the full draft: {}\n", sizes.join(", "));
    super::breakdown::run(cli, states)?;

    Ok(())
}

/// Puts the inputs of the compile benchmark onto the streams: a realistic
/// report from every State, a review from every commission and `practices`
/// published practices, all in cycle 2026.
pub(crate) async fn load_compile_scale(
    bus: &Bus,
    states: &[String],
    practices: usize,
) -> anyhow::Result<()> {
    let (inputs, publications) = compile_scale_events(states, practices);
    // A practice's publication follows its submission on its subject, as
    // practices-hub writes them.
    publish_all(bus, inputs).await?;
    publish_all(bus, publications).await?;
    Ok(())
}

type Events = Vec<(String, imrf_proto::v1::Event)>;

/// The compile benchmark's events with their subjects: first the
/// submissions, then the practices' publications, which must follow them.
pub(crate) fn compile_scale_events(states: &[String], practices: usize) -> (Events, Events) {
    let mut events = Vec::new();
    for state in states {
        events.push((
            subject::national_report(state, "2026", "VNR"),
            fixtures::report_event(&fixtures::realistic_report("2026", state), 1),
        ));
    }
    for c in imrf_gcm::refdata::COMMISSIONS {
        events.push((
            subject::regional_review(imrf_gcm::refdata::commission_code(c), "2026"),
            fixtures::review_event("2026", c),
        ));
    }
    let mut publications = Vec::new();
    for n in 0..practices {
        let (id, submitted, published) = fixtures::practice_events(n);
        events.push((subject::practice(&id), submitted));
        publications.push((subject::practice(&id), published));
    }
    (events, publications)
}

/// The benchmark cycle's schedule: collecting from 2020 until far ahead,
/// so every input counts and no deadline passes during a run.
pub(crate) fn schedule() -> CycleSchedule {
    CycleSchedule {
        collection_start: date(2020, 1, 1),
        regional_review_deadline: date(2099, 1, 1),
        national_report_deadline: date(2099, 1, 1),
        practices_cutoff: date(2099, 1, 1),
        compile_date: date(2099, 6, 1),
        plenary_date: date(2099, 12, 1),
    }
}

pub(crate) async fn open_cycle(
    cycles: &mut ReviewCycleClient<AuthChannel>,
    id: &str,
) -> anyhow::Result<()> {
    cycles
        .open_cycle(OpenCycleRequest {
            request_id: format!("bench-open-{id}"),
            cycle_id: id.into(),
            title: "Benchmark".into(),
            schedule: Some(schedule()),
            document_symbol: String::new(),
            session: 0,
            ..Default::default()
        })
        .await?;
    Ok(())
}

pub(crate) async fn compile(
    drafts: &mut BiennialReportCompilerClient<AuthChannel>,
    n: &mut u32,
) -> anyhow::Result<imrf_proto::v1::DraftInfo> {
    *n += 1;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    drafts
        .compile_draft(CompileDraftRequest {
            request_id: format!("bench-compile-{stamp}-{n}"),
            cycle_id: "2026".into(),
        })
        .await?
        .into_inner()
        .draft
        .context("no draft")
}

pub(crate) async fn compile_until(
    drafts: &mut BiennialReportCompilerClient<AuthChannel>,
    n: &mut u32,
    done: impl Fn(usize) -> bool,
) -> anyhow::Result<imrf_proto::v1::DraftInfo> {
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let draft = compile(drafts, n).await?;
        if done(draft.inputs.len()) {
            return Ok(draft);
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "report-compiler never caught up ({} inputs)",
            draft.inputs.len()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
