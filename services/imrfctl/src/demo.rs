//! `imrfctl demo`: a whole review cycle on the bundled illustrative inputs
//! against running services, ending with the draft written out. `just demo`
//! starts a fresh stack and runs it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::StreamExt;
use imrf_platform::auth::AuthChannel;
use imrf_proto::v1::biennial_report_compiler_client::BiennialReportCompilerClient;
use imrf_proto::v1::national_report_aggregation_client::NationalReportAggregationClient;
use imrf_proto::v1::practice_repository_client::PracticeRepositoryClient;
use imrf_proto::v1::regional_review_intake_client::RegionalReviewIntakeClient;
use imrf_proto::v1::review_cycle_client::ReviewCycleClient;
use imrf_proto::v1::{
    AdvanceCycleRequest, ChangeKind, CompileDraftRequest, CriterionMark, CyclePhase,
    DiffDraftsRequest, DraftFormat, DraftInfo, DraftText, GetAggregateRequest, GetDraftRequest,
    NationalReport, OpenCycleRequest, PracticeStatus, RegionalReview, ReportKind, ReviewCriterion,
    ReviewDecision, ReviewPracticeRequest, SearchPracticesRequest, SetDraftTextRequest,
    SubmitNationalReportRequest, SubmitPracticeRequest, SubmitRegionalReviewRequest, TextPlacement,
    UpdatePracticeRequest, WithdrawPracticeRequest,
};
use indicatif::{ProgressBar, ProgressStyle};
use tonic::Request;

use crate::Endpoints;
use crate::input;
use crate::outcome::Failure;

fn refused(file: Option<&Path>) -> impl Fn(tonic::Status) -> Failure + '_ {
    move |status| Failure::from_status(status, file.map(|f| f.display().to_string()).as_deref())
}

fn bar(len: usize, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len as u64);
    bar.set_style(
        ProgressStyle::with_template(&format!("  {{bar:40}} {{pos}}/{{len}} {what}"))
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

fn yaml_files(dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Failure::Input(format!("{}: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    Ok(files)
}

/// The submitter a demo practice file names in its `# submitter:` line.
fn submitter_of(file: &Path) -> Result<String, Failure> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| Failure::Input(format!("{}: {e}", file.display())))?;
    text.lines()
        .find_map(|l| l.strip_prefix("# submitter: "))
        .map(|s| s.trim().to_string())
        .ok_or_else(|| Failure::Input(format!("{}: no '# submitter:' line", file.display())))
}

fn signed<T>(subject: &str, message: T) -> Result<Request<T>, Failure> {
    crate::session::as_identity(subject, message)
}

/// Who runs the cycle: every call not signed for a commission, a State, a
/// submitter or a curator.
const SECRETARIAT: &str = "secretariat";

struct Clients {
    regional: RegionalReviewIntakeClient<AuthChannel>,
    national: NationalReportAggregationClient<AuthChannel>,
    practices: PracticeRepositoryClient<AuthChannel>,
    cycles: ReviewCycleClient<AuthChannel>,
    drafts: BiennialReportCompilerClient<AuthChannel>,
}

async fn advance(c: &mut Clients, from: CyclePhase, reason: &str) -> Result<(), Failure> {
    let mut request = AdvanceCycleRequest {
        request_id: String::new(),
        cycle_id: "2026".into(),
        expected_phase: from as i32,
        reason: reason.into(),
    };
    request.request_id = input::request_id_for("demo-advance", &request, "");
    let cycle = c
        .cycles
        .advance_cycle(request)
        .await
        .map_err(refused(None))?
        .into_inner()
        .cycle
        .unwrap_or_default();
    let phase = CyclePhase::try_from(cycle.phase).unwrap_or_default();
    println!(
        "cycle 2026 is now {} ({reason})",
        phase.as_str_name().trim_start_matches("CYCLE_PHASE_")
    );
    Ok(())
}

async fn compile(c: &mut Clients, n: &mut u32) -> Result<DraftInfo, Failure> {
    *n += 1;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    c.drafts
        .compile_draft(CompileDraftRequest {
            request_id: format!("demo-compile-{stamp}-{n}"),
            cycle_id: "2026".into(),
        })
        .await
        .map_err(refused(None))?
        .into_inner()
        .draft
        .ok_or_else(|| Failure::Unavailable("no draft returned".into()))
}

/// Curation of practice number `i` in the demo: most are approved by two
/// curators; some get a request for changes first, two are rejected after a
/// disagreement, one is withdrawn.
enum Plan {
    Approve,
    ChangesThenApprove,
    Disagree,
    Withdraw,
}

fn plan(i: usize) -> Plan {
    match i {
        5 | 17 => Plan::Disagree,
        34 => Plan::Withdraw,
        i if i % 11 == 0 => Plan::ChangesThenApprove,
        _ => Plan::Approve,
    }
}

async fn review(
    c: &mut Clients,
    curator: &str,
    id: &str,
    revision: u32,
    decision: ReviewDecision,
    note: &str,
) -> Result<PracticeStatus, Failure> {
    let marks = [
        ReviewCriterion::Relevance,
        ReviewCriterion::GuidingPrinciples,
        ReviewCriterion::Innovation,
        ReviewCriterion::Replicability,
        ReviewCriterion::EvidenceOfResults,
    ]
    .iter()
    .map(|criterion| CriterionMark {
        criterion: *criterion as i32,
        mark: 4,
    })
    .collect();
    let mut request = ReviewPracticeRequest {
        request_id: String::new(),
        practice_id: id.into(),
        revision,
        decision: decision as i32,
        note: note.into(),
        marks,
    };
    request.request_id = input::request_id_for("demo-review", &request, curator);
    let status = c
        .practices
        .review_practice(signed(curator, request)?)
        .await
        .map_err(refused(None))?
        .into_inner()
        .status;
    Ok(PracticeStatus::try_from(status).unwrap_or_default())
}

/// Runs the demo cycle with the inputs in `inputs`, writing the draft to `out`.
pub async fn run(endpoints: &Endpoints, inputs: &Path, out: &Path) -> Result<(), Failure> {
    let mut c = Clients {
        regional: RegionalReviewIntakeClient::new(
            crate::session::channel_as(&endpoints.regional_url, SECRETARIAT).await?,
        ),
        national: NationalReportAggregationClient::new(
            crate::session::channel_as(&endpoints.national_url, SECRETARIAT).await?,
        ),
        practices: PracticeRepositoryClient::new(
            crate::session::channel_as(&endpoints.practices_url, SECRETARIAT).await?,
        ),
        cycles: ReviewCycleClient::new(
            crate::session::channel_as(&endpoints.report_url, SECRETARIAT).await?,
        ),
        drafts: BiennialReportCompilerClient::new(
            crate::session::channel_as(&endpoints.report_url, SECRETARIAT).await?,
        ),
    };

    println!("== cycle 2026 ==");
    let cycle_file = inputs.join("cycle-2026.yaml");
    let mut open: OpenCycleRequest = input::read(&cycle_file)?;
    open.request_id = input::request_id_for("demo-open", &open, "");
    let cycle = c
        .cycles
        .open_cycle(open)
        .await
        .map_err(refused(Some(&cycle_file)))?
        .into_inner()
        .cycle
        .unwrap_or_default();
    if cycle.phase != CyclePhase::Open as i32 {
        return Err(Failure::Usage(
            "cycle 2026 is past OPEN: the demo needs a fresh store (just demo makes one)".into(),
        ));
    }
    println!("opened cycle 2026: {}", cycle.title);
    advance(
        &mut c,
        CyclePhase::Open,
        "Demonstration: collection opens now",
    )
    .await?;

    println!(
        "\n== regional reviews (illustrative, {}/regional) ==",
        inputs.display()
    );
    let mut inputs_expected = 0usize;
    for file in yaml_files(&inputs.join("regional"))? {
        let review: RegionalReview = input::read(&file)?;
        let commission = format!(
            "commission:{}",
            imrf_gcm::refdata::commission_code(
                imrf_proto::v1::Commission::try_from(review.commission).unwrap_or_default()
            )
        );
        let request = SubmitRegionalReviewRequest {
            request_id: input::request_id_for("review-submit", &review, "None"),
            review: Some(review),
            expected_revision: None,
        };
        let r = c
            .regional
            .submit_regional_review(signed(&commission, request)?)
            .await
            .map_err(refused(Some(&file)))?
            .into_inner();
        println!(
            "accepted regional review {} revision {}",
            r.review_id, r.revision
        );
        inputs_expected += 1;
    }

    println!(
        "\n== the Network's contribution (illustrative, {}/network) ==",
        inputs.display()
    );
    let file = inputs.join("network/contribution-2026.yaml");
    let contribution: imrf_proto::v1::NetworkContribution = input::read(&file)?;
    let record = c
        .practices
        .submit_network_contribution(signed(
            "network:hub",
            crate::network::submission(contribution, 0, None),
        )?)
        .await
        .map_err(refused(Some(&file)))?
        .into_inner()
        .record
        .unwrap_or_default();
    println!(
        "accepted contribution {} revision {}",
        record.contribution_id,
        record.meta.map_or(0, |m| m.revision)
    );
    inputs_expected += 1;

    println!(
        "\n== national reports (illustrative, with real figures; {}/national) ==",
        inputs.display()
    );
    let files = yaml_files(&inputs.join("national"))?;
    let progress = bar(files.len(), "national reports");
    for file in &files {
        let report: NationalReport = input::read(file)?;
        let state = format!("state:{}", report.state);
        let request = SubmitNationalReportRequest {
            request_id: input::request_id_for("report-submit", &report, "None"),
            report: Some(report),
            expected_revision: None,
        };
        c.national
            .submit_national_report(signed(&state, request)?)
            .await
            .map_err(refused(Some(file)))?;
        progress.inc(1);
    }
    progress.finish_and_clear();
    println!("submitted {} national reports", files.len());
    inputs_expected += files.len();
    println!(
        "importing SDG 10.7.3 (IOM Missing Migrants Project) from {}/national/indicators.csv",
        inputs.display()
    );
    crate::import::run(
        &inputs.join("national/indicators.csv"),
        "2026",
        ReportKind::VoluntaryNationalReview,
        &crate::import::Format::Platform,
        false,
        &endpoints.national_url,
        crate::Output::Text,
    )
    .await?;

    println!(
        "\n== practices (illustrative, {}/practices): submission and peer review ==",
        inputs.display()
    );
    let files = yaml_files(&inputs.join("practices"))?;
    let progress = bar(files.len(), "practices");
    let (mut published, mut rejected, mut withdrawn, mut changed) = (0, 0, 0, 0);
    for (i, file) in files.iter().enumerate() {
        let i = i + 1;
        let submitter = submitter_of(file)?;
        let mut request: SubmitPracticeRequest = input::read(file)?;
        request.request_id = input::request_id_for("practice-submit", &request, &submitter);
        let content = request.clone();
        let id = c
            .practices
            .submit_practice(signed(&submitter, request)?)
            .await
            .map_err(refused(Some(file)))?
            .into_inner()
            .practice_id;
        match plan(i) {
            Plan::Approve => {
                review(
                    &mut c,
                    "curator:demo-a",
                    &id,
                    1,
                    ReviewDecision::Approve,
                    "Meets the criteria.",
                )
                .await?;
                review(
                    &mut c,
                    "curator:demo-b",
                    &id,
                    1,
                    ReviewDecision::Approve,
                    "Meets the criteria.",
                )
                .await?;
                published += 1;
            }
            Plan::ChangesThenApprove => {
                review(
                    &mut c,
                    "curator:demo-b",
                    &id,
                    1,
                    ReviewDecision::RequestChanges,
                    "Please add evidence of results.",
                )
                .await?;
                let mut update = UpdatePracticeRequest {
                    request_id: String::new(),
                    practice_id: id.clone(),
                    details: content.details,
                    focal_point: None,
                    expected_revision: 1,
                    note: "Evidence added".into(),
                };
                update.request_id = input::request_id_for("practice-update", &update, &submitter);
                c.practices
                    .update_practice(signed(&submitter, update)?)
                    .await
                    .map_err(refused(Some(file)))?;
                review(
                    &mut c,
                    "curator:demo-a",
                    &id,
                    2,
                    ReviewDecision::Approve,
                    "Meets the criteria.",
                )
                .await?;
                review(
                    &mut c,
                    "curator:demo-b",
                    &id,
                    2,
                    ReviewDecision::Approve,
                    "Evidence now convincing.",
                )
                .await?;
                published += 1;
                changed += 1;
            }
            Plan::Disagree => {
                review(
                    &mut c,
                    "curator:demo-a",
                    &id,
                    1,
                    ReviewDecision::Approve,
                    "Promising.",
                )
                .await?;
                review(
                    &mut c,
                    "curator:demo-b",
                    &id,
                    1,
                    ReviewDecision::Reject,
                    "No evidence that it upholds the guiding principles.",
                )
                .await?;
                review(
                    &mut c,
                    "curator:demo-c",
                    &id,
                    1,
                    ReviewDecision::Reject,
                    "Agree: not replicable as described.",
                )
                .await?;
                rejected += 1;
            }
            Plan::Withdraw => {
                let mut request = WithdrawPracticeRequest {
                    request_id: String::new(),
                    practice_id: id.clone(),
                    reason: "Programme redesigned; will resubmit".into(),
                };
                request.request_id =
                    input::request_id_for("practice-withdraw", &request, &submitter);
                c.practices
                    .withdraw_practice(signed(&submitter, request)?)
                    .await
                    .map_err(refused(Some(file)))?;
                withdrawn += 1;
            }
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    println!(
        "submitted {} practices: {published} published ({changed} after a request for changes), {rejected} rejected after a disagreement, {withdrawn} withdrawn",
        files.len()
    );
    inputs_expected += published;
    let found = c
        .practices
        .search_practices(SearchPracticesRequest {
            query: "remittance".into(),
            page_size: 5,
            ..Default::default()
        })
        .await
        .map_err(refused(None))?
        .into_inner();
    println!(
        "search of the Repository for \"remittance\": {} match(es)",
        found.total
    );
    for r in &found.results {
        println!(
            "  {:>6.2}  {}  {}",
            r.score,
            r.practice_id,
            r.details.as_ref().map_or("", |d| d.title.as_str())
        );
    }

    println!("\n== aggregate of cycle 2026 ==");
    let reports = files_count(&inputs.join("national"))?;
    let mut aggregate = Default::default();
    for _ in 0..300 {
        aggregate = c
            .national
            .get_aggregate(GetAggregateRequest {
                cycle_id: "2026".into(),
                ..Default::default()
            })
            .await
            .map_err(refused(None))?
            .into_inner()
            .aggregate
            .unwrap_or_default();
        if aggregate.national_reports as usize >= reports {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    crate::report::summarize(&aggregate);

    println!("\n== deadlines pass ==");
    advance(
        &mut c,
        CyclePhase::Collecting,
        "Demonstration: the reporting deadlines are treated as passed",
    )
    .await?;
    let late_file = inputs.join("national/ken.yaml");
    let late: NationalReport = input::read(&late_file)?;
    let state = format!("state:{}", late.state);
    match c
        .national
        .submit_national_report(signed(
            &state,
            SubmitNationalReportRequest {
                request_id: "demo-late".into(),
                report: Some(late),
                expected_revision: Some(2),
            },
        )?)
        .await
    {
        Ok(_) => return Err(Failure::Input("a late report was accepted".into())),
        Err(status) => println!("a report arriving now is refused: {}", status.message()),
    }
    advance(
        &mut c,
        CyclePhase::Consolidating,
        "Demonstration: drafting begins",
    )
    .await?;

    println!("\n== draft ==");
    let mut n = 0;
    let mut draft = compile(&mut c, &mut n).await?;
    for _ in 0..300 {
        if draft.inputs.len() >= inputs_expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        draft = compile(&mut c, &mut n).await?;
    }
    println!(
        "draft version {} compiled from {} inputs",
        draft.version,
        draft.inputs.len()
    );
    let before_text = draft.version;
    draft = secretariat_text(&mut c, inputs).await?;
    let diff = c
        .drafts
        .diff_drafts(signed(
            SECRETARIAT,
            DiffDraftsRequest {
                cycle_id: "2026".into(),
                from_version: before_text,
                to_version: draft.version,
            },
        )?)
        .await
        .map_err(refused(None))?
        .into_inner();
    println!(
        "the secretariat adds its chapeau to chapter III: draft version {} -> {}, {} paragraph(s) added, {} changed, {} figure(s) moved",
        before_text,
        draft.version,
        diff.paragraphs
            .iter()
            .filter(|p| p.kind == ChangeKind::Added as i32)
            .count(),
        diff.paragraphs
            .iter()
            .filter(|p| p.kind == ChangeKind::Changed as i32)
            .count(),
        diff.figures.len()
    );
    advance(
        &mut c,
        CyclePhase::Drafting,
        "Demonstration: the report is issued",
    )
    .await?;
    std::fs::create_dir_all(out).map_err(|e| Failure::Input(format!("{}: {e}", out.display())))?;
    for (format, extension) in [
        (DraftFormat::Markdown, "md"),
        (DraftFormat::Html, "html"),
        (DraftFormat::Docx, "docx"),
        (DraftFormat::Json, "json"),
        (DraftFormat::Xlsx, "xlsx"),
        (DraftFormat::SdmxCsv, "sdmx.csv"),
    ] {
        let mut stream = c
            .drafts
            .get_draft(GetDraftRequest {
                cycle_id: "2026".into(),
                version: draft.version,
                format: format as i32,
            })
            .await
            .map_err(refused(None))?
            .into_inner();
        let mut bytes = Vec::new();
        while let Some(chunk) = stream.next().await {
            bytes.extend(chunk.map_err(refused(None))?.chunk);
        }
        let path = out.join(format!("draft.{extension}"));
        crate::input::write_out(&path, &bytes)?;
        println!("wrote {} ({} bytes)", path.display(), bytes.len());
    }
    println!(
        "\ndraft report written to {}/draft.{{md,html,docx,json,xlsx,sdmx.csv}}",
        out.display()
    );
    println!("draft sha256 (of its JSON rendering): {}", draft.sha256);
    Ok(())
}

/// The secretariat's illustrative chapeau of chapter III, set in DRAFTING:
/// the draft is recompiled with it at once; returns that draft.
async fn secretariat_text(c: &mut Clients, inputs: &Path) -> Result<DraftInfo, Failure> {
    let file = inputs.join("secretariat/chapeau-iii.txt");
    let content = std::fs::read_to_string(&file)
        .map_err(|e| Failure::Input(format!("{}: {e}", file.display())))?;
    let text = DraftText {
        cycle_id: "2026".into(),
        text_id: "chapeau-iii".into(),
        chapter: 3,
        placement: TextPlacement::Opening as i32,
        title: "Chapeau of chapter III (illustrative)".into(),
        paragraphs: crate::cycle::paragraphs(&content),
        ..Default::default()
    };
    let request_id = input::request_id_for("demo-text", &text, "");
    c.drafts
        .set_draft_text(signed(
            SECRETARIAT,
            SetDraftTextRequest {
                request_id,
                text: Some(text),
                expected_revision: 0,
            },
        )?)
        .await
        .map_err(refused(Some(&file)))?;
    let cycle = c
        .cycles
        .get_cycle(signed(
            SECRETARIAT,
            imrf_proto::v1::GetCycleRequest {
                cycle_id: "2026".into(),
            },
        )?)
        .await
        .map_err(refused(None))?
        .into_inner()
        .cycle
        .unwrap_or_default();
    cycle
        .latest_draft
        .ok_or_else(|| Failure::Unavailable("no draft after the secretariat's text".into()))
}

fn files_count(dir: &Path) -> Result<usize, Failure> {
    Ok(yaml_files(dir)?.len())
}
