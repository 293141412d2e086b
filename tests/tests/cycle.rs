//! A whole review cycle through the four real service binaries, driven
//! over gRPC: the draft's figures checked against values computed here from
//! the fixture, a revision and a withdrawal after a compile, late input
//! refused, and a run in which every service is killed and restarted
//! mid-cycle giving the very same draft as an undisturbed run.

mod support;

use std::time::Duration;

use futures::StreamExt;
use imrf_proto::v1::{
    AdvanceCycleRequest, Commission, CompileDraftRequest, CyclePhase, DraftFormat, DraftInfo,
    FocalPoint, GetDraftRequest, GuidingPrinciple, NetworkContribution, NetworkCoverage,
    PracticeDetails, PracticeType, StakeholderType, SubmitNationalReportRequest,
    SubmitNetworkContributionRequest, SubmitPracticeRequest, SubmitRegionalReviewRequest,
    WithdrawRegionalReviewRequest,
};
use imrf_testkit::{by_commission, by_state};
use support::{Clients, Stack, approval, as_caller, report, review};
use tonic::Code;

type AnyError = Box<dyn std::error::Error + Send + Sync>;

/// The simulated day the services live on: same ids, same draft, every run.
const CLOCK: [&str; 2] = ["--clock-start", "2026-02-02T08:00:00Z"];

/// The fixture's national reports: State, remittance cost (SDG 10.c.1),
/// objectives reported.
const REPORTS: [(&str, f64, &[u32]); 6] = [
    ("KEN", 2.0, &[20, 8, 1]),
    ("NGA", 2.9, &[20, 1]),
    ("DEU", 3.0, &[20, 16]),
    ("MEX", 4.5, &[20, 8]),
    ("PHL", 6.0, &[20, 18, 1]),
    ("JOR", 7.5, &[20]),
];

fn practice(title: &str, objective: u32) -> SubmitPracticeRequest {
    SubmitPracticeRequest {
        request_id: format!("practice-{objective}"),
        details: Some(PracticeDetails {
            title: title.into(),
            summary: "What it does.".into(),
            primary_objectives: vec![objective],
            guiding_principles: vec![GuidingPrinciple::HumanRights as i32],
            upholds_all_guiding_principles: true,
            start_year: 2021,
            r#type: PracticeType::Programme as i32,
            countries: vec!["KEN".into()],
            regions: vec![Commission::Eca as i32],
            submitter_organization: "Ministry".into(),
            submitter_type: StakeholderType::NationalGovernment as i32,
            completion_percent: 80,
            ..Default::default()
        }),
        focal_point: Some(FocalPoint {
            name: "Focal Person".into(),
            email: "focal@example.org".into(),
            ..Default::default()
        }),
    }
}

async fn advance(c: &mut Clients, from: CyclePhase, id: &str) -> Result<(), AnyError> {
    c.cycles
        .advance_cycle(AdvanceCycleRequest {
            request_id: id.into(),
            cycle_id: "2026".into(),
            expected_phase: from as i32,
            reason: "End-to-end test".into(),
        })
        .await?;
    Ok(())
}

/// Compiles until the draft's inputs satisfy `done` (report-compiler
/// follows the other services' streams, so it may be a moment behind).
async fn compile_until(
    c: &mut Clients,
    done: impl Fn(&DraftInfo) -> bool,
) -> Result<DraftInfo, AnyError> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let mut n = 0;
    loop {
        n += 1;
        let draft = c
            .drafts
            .compile_draft(CompileDraftRequest {
                request_id: format!(
                    "compile-{n}-{}",
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_nanos())
                ),
                cycle_id: "2026".into(),
            })
            .await?
            .into_inner()
            .draft
            .ok_or("no draft")?;
        if done(&draft) {
            return Ok(draft);
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("draft never caught up: {:?}", draft.inputs).into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn has_input(draft: &DraftInfo, id: &str, revision: u32) -> bool {
    draft
        .inputs
        .iter()
        .filter_map(|i| i.source.as_ref())
        .any(|s| s.id == id && s.revision == revision)
}

async fn draft_bytes(
    c: &mut Clients,
    version: u32,
    format: DraftFormat,
) -> Result<Vec<u8>, AnyError> {
    let mut stream = c
        .drafts
        .get_draft(GetDraftRequest {
            cycle_id: "2026".into(),
            version,
            format: format as i32,
        })
        .await?
        .into_inner();
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        bytes.extend(chunk?.chunk);
    }
    Ok(bytes)
}

async fn restart_all(stack: &mut Stack) -> Result<(), AnyError> {
    for service in &mut stack.services {
        service.restart()?;
    }
    Ok(())
}

struct Outcome {
    markdown: String,
    docx: Vec<u8>,
    sha256: String,
    first_markdown: String,
}

/// The whole cycle; with `restart`, every service is killed and restarted
/// after the inputs are in and again before the final compile.
async fn run_cycle(stack: &mut Stack, restart: bool) -> Result<Outcome, AnyError> {
    let mut c = Clients::connect(stack, Some("secretariat")).await?;
    c.cycles
        .open_cycle(support::open_2026("End-to-end cycle"))
        .await?;
    advance(&mut c, CyclePhase::Open, "a1").await?;

    for (i, (commission, states, objectives)) in [
        (Commission::Ece, vec!["DEU", "POL"], vec![20, 16]),
        (Commission::Eca, vec!["KEN", "NGA"], vec![20, 8]),
        (Commission::Eclac, vec!["MEX"], vec![8]),
    ]
    .into_iter()
    .enumerate()
    {
        c.regional
            .submit_regional_review(by_commission(SubmitRegionalReviewRequest {
                request_id: format!("review-{i}"),
                review: Some(review(
                    commission,
                    &states,
                    &objectives,
                    "Progress observed.",
                )),
                expected_revision: None,
            }))
            .await?;
    }
    for (state, cost, objectives) in REPORTS {
        c.national
            .submit_national_report(by_state(SubmitNationalReportRequest {
                request_id: format!("report-{state}"),
                report: Some(report(state, cost, objectives)),
                expected_revision: None,
            }))
            .await?;
    }
    let mut published = Vec::new();
    for (title, objective, publish) in [
        ("Remittance portal", 20, true),
        ("Search for missing migrants", 8, true),
        ("Unreviewed pilot", 1, false),
    ] {
        let id = c
            .practices
            .submit_practice(as_caller("state:KEN", practice(title, objective)))
            .await?
            .into_inner()
            .practice_id;
        if publish {
            for curator in ["curator:a", "curator:b"] {
                c.practices
                    .review_practice(as_caller(
                        curator,
                        approval(format!("{id}-{curator}"), &id, 1),
                    ))
                    .await?;
            }
            published.push(id);
        }
    }
    // The Network's contribution, through practices-hub and the bus.
    c.practices
        .submit_network_contribution(as_caller(
            "network:hub",
            SubmitNetworkContributionRequest {
                request_id: "network-1".into(),
                contribution: Some(NetworkContribution {
                    cycle_id: "2026".into(),
                    title: "Contribution of the Network".into(),
                    summary: "The Network supported Governments through its country networks"
                        .into(),
                    networks: Some(NetworkCoverage {
                        country_networks: 94,
                        champion_countries: 41,
                        regional_networks: 5,
                        narrative: String::new(),
                    }),
                    ..Default::default()
                }),
                expected_revision: 0,
            },
        ))
        .await?;
    if restart {
        restart_all(stack).await?;
        c = Clients::connect(stack, Some("secretariat")).await?;
    }

    // A first draft with every input.
    let all_in = |d: &DraftInfo| d.inputs.len() == 3 + REPORTS.len() + published.len() + 1;
    let first = compile_until(&mut c, all_in).await?;
    let first_markdown =
        String::from_utf8(draft_bytes(&mut c, first.version, DraftFormat::Markdown).await?)?;
    assert!(
        first_markdown.contains("The Network reports 94 country networks on migration"),
        "chapter V draws on the Network's contribution"
    );
    assert!(has_input(&first, "2026-NETWORK", 1));

    // After the compile: ECE revises its review, ECLAC withdraws its own.
    c.regional
        .submit_regional_review(by_commission(SubmitRegionalReviewRequest {
            request_id: "review-ece-2".into(),
            review: Some(review(
                Commission::Ece,
                &["DEU", "POL"],
                &[20, 16],
                "Progress confirmed by the regional meeting.",
            )),
            expected_revision: Some(1),
        }))
        .await?;
    c.regional
        .withdraw_regional_review(as_caller(
            "commission:ECLAC",
            WithdrawRegionalReviewRequest {
                request_id: "withdraw-eclac".into(),
                review_id: "2026-ECLAC".into(),
                reason: "Submitted before validation".into(),
                expected_revision: Some(1),
            },
        ))
        .await?;
    if restart {
        restart_all(stack).await?;
        c = Clients::connect(stack, Some("secretariat")).await?;
    }

    // Deadlines pass: late input is refused.
    advance(&mut c, CyclePhase::Collecting, "a2").await?;
    let late = c
        .national
        .submit_national_report(by_state(SubmitNationalReportRequest {
            request_id: "late".into(),
            report: Some(report("SWE", 3.3, &[20])),
            expected_revision: None,
        }))
        .await
        .err()
        .ok_or("a late report was accepted")?;
    assert_eq!(late.code(), Code::FailedPrecondition);
    let late = c
        .regional
        .submit_regional_review(by_commission(SubmitRegionalReviewRequest {
            request_id: "late-review".into(),
            review: Some(review(Commission::Escap, &["PHL"], &[18], "Late.")),
            expected_revision: None,
        }))
        .await
        .err()
        .ok_or("a late review was accepted")?;
    assert_eq!(late.code(), Code::FailedPrecondition);

    let last = compile_until(&mut c, |d| {
        has_input(d, "2026-ECE", 2)
            && !d
                .inputs
                .iter()
                .any(|i| i.source.as_ref().is_some_and(|s| s.id == "2026-ECLAC"))
    })
    .await?;
    advance(&mut c, CyclePhase::Consolidating, "a4").await?;
    advance(&mut c, CyclePhase::Drafting, "a5").await?;
    let cycle = c
        .cycles
        .get_cycle(imrf_proto::v1::GetCycleRequest {
            cycle_id: "2026".into(),
        })
        .await?
        .into_inner()
        .cycle
        .ok_or("no cycle")?;
    assert_eq!(cycle.phase, CyclePhase::Issued as i32);
    Ok(Outcome {
        markdown: String::from_utf8(
            draft_bytes(&mut c, last.version, DraftFormat::Markdown).await?,
        )?,
        docx: draft_bytes(&mut c, last.version, DraftFormat::Docx).await?,
        sha256: last.sha256,
        first_markdown,
    })
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

#[tokio::test]
async fn a_whole_cycle_through_the_four_services_and_the_same_draft_after_restarts()
-> Result<(), AnyError> {
    let mut calm = Stack::start_with(&CLOCK)?;
    let mut stormy = Stack::start_with(&CLOCK)?;
    let (undisturbed, restarted) =
        tokio::join!(run_cycle(&mut calm, false), run_cycle(&mut stormy, true));
    let undisturbed = undisturbed?;
    let restarted = restarted?;

    // Figures computed here from the fixture, in the draft's editorial
    // forms (numbers under 10 in words, one decimal for shares under 10).
    let words = |n: usize| {
        [
            "none", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
        ]
        .get(n)
        .map_or_else(|| n.to_string(), |w| (*w).to_string())
    };
    let costs: Vec<f64> = REPORTS.iter().map(|(_, cost, _)| *cost).collect();
    let below = costs.iter().filter(|c| **c < 3.0).count();
    let md = &undisturbed.markdown;
    let expected = format!(
        "{} Member States reported values for 2025; the median of the latest value of each State was {:.1} per cent.",
        words(REPORTS.len()),
        median(costs.clone())
    );
    assert!(md.contains(&expected), "missing {expected:?}");
    let expected = format!(
        "The values of {} of them ({} per cent) stood below the target of less than 3 per cent.",
        words(below),
        (below as f64 / REPORTS.len() as f64 * 100.0).round()
    );
    assert!(md.contains(&expected), "missing {expected:?}");
    // The paragraph after an objective's heading names how many States
    // covered it.
    let covered = |objective: u32| {
        md.split(&format!(" Objective {objective}: "))
            .nth(1)
            .and_then(|s| s.lines().find(|l| l.contains("\\. ")))
            .unwrap_or("")
            .to_string()
    };
    for objective in [20, 8] {
        let n = REPORTS
            .iter()
            .filter(|(_, _, o)| o.contains(&objective))
            .count();
        let paragraph = covered(objective);
        assert!(
            paragraph.contains(&format!(
                "The objective was covered by the national reports of {} Member States.",
                words(n)
            )),
            "objective {objective}: {paragraph}"
        );
    }
    assert!(
        md.contains("\u{201c}Remittance portal\u{201d}"),
        "published practice cited"
    );
    assert!(
        !md.contains("Unreviewed pilot"),
        "unpublished practice not cited"
    );

    // The revision is footnoted with its new number; the withdrawn review
    // is gone; the first draft had both as they were.
    let listed_revision = |md: &str, id: &str| {
        md.lines()
            .find(|l| l.starts_with(&format!("| Regional review | {id} |")))
            .and_then(|l| l.split(" | ").nth(4).map(str::to_string))
    };
    assert_eq!(
        listed_revision(&undisturbed.first_markdown, "2026-ECE").as_deref(),
        Some("1")
    );
    assert!(undisturbed.first_markdown.contains("2026-ECLAC"));
    assert_eq!(listed_revision(md, "2026-ECE").as_deref(), Some("2"));
    assert!(md.contains("the Economic Commission for Europe, ") && md.contains(" (revision 2)"));
    assert!(!md.contains("2026-ECLAC"));
    assert!(md.contains("Progress confirmed by the regional meeting"));

    // Killing every service twice changed nothing.
    assert_eq!(restarted.sha256, undisturbed.sha256);
    assert_eq!(restarted.markdown, undisturbed.markdown);
    assert_eq!(restarted.docx, undisturbed.docx);

    // Each service did all of it as its own NATS user, within its rights.
    for stack in [&calm, &stormy] {
        let violations = stack.nats.permission_violations();
        assert!(violations.is_empty(), "{}", violations.join("\n"));
    }
    Ok(())
}

/// What a reader of the finished cycle sees: the aggregate, every draft
/// version with its inputs, and the bytes of every format of the last one.
#[derive(Debug, PartialEq)]
struct Seen {
    aggregate: Vec<u8>,
    drafts: Vec<DraftInfo>,
    renderings: Vec<(DraftFormat, Vec<u8>)>,
}

async fn seen(stack: &Stack) -> Result<Seen, AnyError> {
    let mut c = Clients::connect(stack, Some("secretariat")).await?;
    let aggregate = c.aggregate_2026().await?.ok_or("no aggregate")?;
    let drafts = c.drafts_2026().await?;
    let last = drafts.first().ok_or("no draft")?.version;
    let mut renderings = Vec::new();
    for format in [
        DraftFormat::Json,
        DraftFormat::Markdown,
        DraftFormat::Html,
        DraftFormat::Docx,
        DraftFormat::Xlsx,
        DraftFormat::SdmxCsv,
    ] {
        renderings.push((format, draft_bytes(&mut c, last, format).await?));
    }
    Ok(Seen {
        aggregate: prost::Message::encode_to_vec(&aggregate),
        drafts,
        renderings,
    })
}

/// `imrfctl store …` as an operator runs it, as the stack's `admin`.
fn store_command(
    stack: &Stack,
    args: &[&std::ffi::OsStr],
) -> Result<std::process::Output, AnyError> {
    let password = stack
        .nats
        .bus_config()
        .password_file
        .ok_or("the stack's NATS has users")?;
    Ok(std::process::Command::new(support::binary("imrfctl"))
        .arg("store")
        .args(args)
        .arg("--nats-url")
        .arg(stack.nats.url())
        .arg("--nats-password-file")
        .arg(password)
        .output()?)
}

fn succeeded(output: &std::process::Output) -> Result<String, AnyError> {
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    if output.status.success() {
        Ok(text)
    } else {
        Err(format!(
            "imrfctl store: {}\n{text}{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
        .into())
    }
}

/// Copies the directory `from`, and what it holds, to `to`.
fn copy_tree(from: &std::path::Path, to: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// The restore drill of RELIABILITY.md: a whole cycle, a backup with
/// `imrfctl store backup`, the store destroyed with NATS down, a damaged
/// copy of the backup refused, the backup restored onto the empty store,
/// the services started on it: the aggregate and every draft come back
/// byte for byte, and a request sent again gets its first answer.
#[tokio::test]
async fn a_store_backed_up_destroyed_and_restored_gives_back_the_same_aggregate_and_draft()
-> Result<(), AnyError> {
    let mut stack = Stack::start_with(&CLOCK)?;
    run_cycle(&mut stack, false).await?;
    let before = seen(&stack).await?;
    let dir = tempfile::tempdir()?;
    let backup = dir.path().join("backup");
    let listing = succeeded(&store_command(
        &stack,
        &["backup".as_ref(), backup.as_os_str()],
    )?)?;
    for stream in ["NATIONAL", "CYCLE", "KV_NATIONAL_AGGREGATES", "OBJ_DRAFTS"] {
        assert!(
            listing.contains(stream),
            "{stream} not backed up:\n{listing}"
        );
    }

    for service in &mut stack.services {
        service.kill();
    }
    stack.nats.stop();
    std::fs::remove_dir_all(stack.nats.store_dir())?;
    stack.nats.restart()?;
    let usage = succeeded(&store_command(&stack, &["usage".as_ref()])?)?;
    assert!(
        !usage.contains("NATIONAL"),
        "the store is not empty:\n{usage}"
    );

    // One byte changed in a copy: refused before anything is restored.
    let damaged = dir.path().join("damaged");
    copy_tree(&backup, &damaged)?;
    let data = damaged.join("NATIONAL").join(imrf_bus::backup::STREAM_DATA);
    let mut bytes = std::fs::read(&data)?;
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(&data, bytes)?;
    let refused = store_command(&stack, &["restore".as_ref(), damaged.as_os_str()])?;
    assert_eq!(refused.status.code(), Some(1), "a damaged backup restored");
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("damaged"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let usage = succeeded(&store_command(&stack, &["usage".as_ref()])?)?;
    assert!(
        !usage.contains("NATIONAL"),
        "a damaged backup left streams behind:\n{usage}"
    );

    succeeded(&store_command(
        &stack,
        &["restore".as_ref(), backup.as_os_str()],
    )?)?;
    for service in &mut stack.services {
        service.restart()?;
    }
    let after = seen(&stack).await?;
    assert_eq!(before.drafts, after.drafts, "draft versions");
    assert_eq!(before.aggregate, after.aggregate, "aggregate");
    for ((format, a), (_, b)) in before.renderings.iter().zip(&after.renderings) {
        assert!(a == b, "{format:?} rendering differs after the restore");
    }

    // The request ledger came back too: a report sent again under its
    // first request id is answered as the first time, not stored again.
    let mut c = Clients::connect(&stack, Some("secretariat")).await?;
    let (state, cost, objectives) = REPORTS[0];
    let again = c
        .national
        .submit_national_report(by_state(SubmitNationalReportRequest {
            request_id: format!("report-{state}"),
            report: Some(report(state, cost, objectives)),
            expected_revision: None,
        }))
        .await?
        .into_inner();
    assert_eq!(again.revision, 1, "{again:?}");
    assert_eq!(seen(&stack).await?.aggregate, before.aggregate);
    Ok(())
}
