//! `imrfctl cycle` and `imrfctl draft`: review cycles and drafts of the
//! biennial report, for the secretariat.

use std::path::PathBuf;

use clap::Subcommand;
use futures::StreamExt;
use imrf_gcm::refdata::commission_code;
use imrf_platform::auth::AuthChannel;
use imrf_proto::v1::biennial_report_compiler_client::BiennialReportCompilerClient;
use imrf_proto::v1::review_cycle_client::ReviewCycleClient;
use imrf_proto::v1::{
    AdvanceCycleRequest, Commission, CompileDraftRequest, Cycle, CyclePhase, DraftFormat,
    DraftInfo, GetCycleRequest, GetDraftRequest, ListCyclesRequest, ListDraftsRequest,
    OpenCycleRequest,
};

use crate::input;
use crate::outcome::Failure;
use crate::{Output, print_json};

/// Review cycles.
#[derive(Debug, Subcommand)]
pub enum CycleCommand {
    /// Open a cycle from a JSON or YAML file with its id, title and schedule
    /// (the fields of imrf.v1.OpenCycleRequest but request_id).
    Open {
        /// The cycle.
        file: PathBuf,
    },
    /// Show a cycle: phase, schedule, completeness, latest draft.
    Show {
        /// Cycle id, such as 2026.
        cycle_id: String,
    },
    /// List cycles, newest first.
    List,
    /// Move a cycle to its next phase ahead of its schedule.
    Advance {
        /// Cycle id.
        cycle_id: String,
        /// The phase you expect it to be in: open, collecting,
        /// consolidating or drafting.
        #[arg(long)]
        from: String,
        /// Why (recorded in the cycle's history).
        #[arg(long)]
        reason: String,
    },
}

/// Drafts of the biennial report.
#[derive(Debug, Subcommand)]
pub enum DraftCommand {
    /// Compile a draft now from the inputs received.
    Compile {
        /// Cycle id.
        #[arg(long)]
        cycle: String,
    },
    /// Write a draft to a file (or standard output).
    Get {
        /// Cycle id.
        #[arg(long)]
        cycle: String,
        /// Version; the latest by default.
        #[arg(long, default_value_t = 0)]
        version: u32,
        /// Format: md, html, docx or json.
        #[arg(long, default_value = "md")]
        format: String,
        /// File to write; standard output when absent.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// List the drafts of a cycle, newest first.
    List {
        /// Cycle id.
        #[arg(long)]
        cycle: String,
    },
}

fn parse_phase(text: &str) -> Result<CyclePhase, Failure> {
    CyclePhase::from_str_name(&format!("CYCLE_PHASE_{}", text.to_ascii_uppercase()))
        .filter(|p| *p != CyclePhase::Unspecified)
        .ok_or_else(|| {
            Failure::Usage(format!(
                "'{text}' is not a phase: use open, collecting, consolidating, drafting or issued"
            ))
        })
}

fn parse_format(text: &str) -> Result<DraftFormat, Failure> {
    match text.to_ascii_lowercase().as_str() {
        "md" | "markdown" => Ok(DraftFormat::Markdown),
        "html" => Ok(DraftFormat::Html),
        "docx" => Ok(DraftFormat::Docx),
        "json" => Ok(DraftFormat::Json),
        other => Err(Failure::Usage(format!(
            "'{other}' is not a format: use md, html, docx or json"
        ))),
    }
}

fn phase(cycle: &Cycle) -> &'static str {
    CyclePhase::try_from(cycle.phase)
        .unwrap_or_default()
        .as_str_name()
        .trim_start_matches("CYCLE_PHASE_")
}

fn describe(cycle: &Cycle) {
    println!(
        "cycle {}  {}  phase {}",
        cycle.cycle_id,
        cycle.title,
        phase(cycle)
    );
    for p in &cycle.progress {
        println!(
            "  {:<6} regional review {:<12} national reports {:>3} of {:>3}",
            commission_code(Commission::try_from(p.commission).unwrap_or_default()),
            if p.regional_review_received {
                "received"
            } else {
                "missing"
            },
            p.national_reports_received,
            p.national_reports_expected
        );
    }
    for change in &cycle.history {
        let to = CyclePhase::try_from(change.to)
            .unwrap_or_default()
            .as_str_name()
            .trim_start_matches("CYCLE_PHASE_");
        let why = if change.reason.is_empty() {
            "deadline".to_string()
        } else {
            format!("by hand: {}", change.reason)
        };
        println!("  -> {to} ({why})");
    }
    if let Some(draft) = &cycle.latest_draft {
        println!(
            "  latest draft: version {} sha256 {}",
            draft.version, draft.sha256
        );
    }
}

fn describe_draft(draft: &DraftInfo) {
    println!(
        "draft {} version {}  sha256 {}  {} input(s)  trigger {}",
        draft.cycle_id,
        draft.version,
        draft.sha256,
        draft.inputs.len(),
        draft.trigger
    );
}

async fn cycles(url: &str) -> Result<ReviewCycleClient<AuthChannel>, Failure> {
    Ok(ReviewCycleClient::new(crate::session::channel(url).await?))
}

async fn drafts(url: &str) -> Result<BiennialReportCompilerClient<AuthChannel>, Failure> {
    Ok(BiennialReportCompilerClient::new(
        crate::session::channel(url).await?,
    ))
}

/// Runs a cycle command against report-compiler at `url`.
pub async fn run_cycle(command: CycleCommand, url: &str, output: Output) -> Result<(), Failure> {
    let refused = |s| Failure::from_status(s, None);
    match command {
        CycleCommand::Open { file } => {
            let mut request: OpenCycleRequest = input::read(&file)?;
            request.request_id = input::request_id_for("cycle-open", &request, "");
            let shown = file.display().to_string();
            let cycle = cycles(url)
                .await?
                .open_cycle(request)
                .await
                .map_err(|s| Failure::from_status(s, Some(&shown)))?
                .into_inner()
                .cycle
                .unwrap_or_default();
            match output {
                Output::Json => print_json(&cycle),
                Output::Text => println!("opened cycle {} ({})", cycle.cycle_id, cycle.title),
            }
        }
        CycleCommand::Show { cycle_id } => {
            let cycle = cycles(url)
                .await?
                .get_cycle(GetCycleRequest { cycle_id })
                .await
                .map_err(refused)?
                .into_inner()
                .cycle
                .unwrap_or_default();
            match output {
                Output::Json => print_json(&cycle),
                Output::Text => describe(&cycle),
            }
        }
        CycleCommand::List => {
            let list = cycles(url)
                .await?
                .list_cycles(ListCyclesRequest {
                    page_size: 100,
                    page_token: String::new(),
                })
                .await
                .map_err(refused)?
                .into_inner();
            match output {
                Output::Json => print_json(&list.cycles),
                Output::Text => {
                    for c in &list.cycles {
                        println!("{}  {}  phase {}", c.cycle_id, c.title, phase(c));
                    }
                }
            }
        }
        CycleCommand::Advance {
            cycle_id,
            from,
            reason,
        } => {
            let from = parse_phase(&from)?;
            let mut request = AdvanceCycleRequest {
                request_id: String::new(),
                cycle_id,
                expected_phase: from as i32,
                reason,
            };
            request.request_id = input::request_id_for("cycle-advance", &request, "");
            let cycle = cycles(url)
                .await?
                .advance_cycle(request)
                .await
                .map_err(refused)?
                .into_inner()
                .cycle
                .unwrap_or_default();
            match output {
                Output::Json => print_json(&cycle),
                Output::Text => println!("cycle {} is now {}", cycle.cycle_id, phase(&cycle)),
            }
        }
    }
    Ok(())
}

/// Runs a draft command against report-compiler at `url`.
pub async fn run_draft(command: DraftCommand, url: &str, output: Output) -> Result<(), Failure> {
    let refused = |s| Failure::from_status(s, None);
    match command {
        DraftCommand::Compile { cycle } => {
            // A fresh request id each time: compiling is idempotent by
            // content (unchanged inputs give the latest draft back).
            let request_id = format!("imrfctl-compile-{}", ulid_now());
            let response = drafts(url)
                .await?
                .compile_draft(CompileDraftRequest {
                    request_id,
                    cycle_id: cycle,
                })
                .await
                .map_err(refused)?
                .into_inner();
            let draft = response.draft.unwrap_or_default();
            match output {
                Output::Json => print_json(&draft),
                Output::Text => {
                    describe_draft(&draft);
                    if !response.new_version {
                        println!("inputs unchanged: this is the latest draft");
                    }
                }
            }
        }
        DraftCommand::Get {
            cycle,
            version,
            format,
            out,
        } => {
            let format = parse_format(&format)?;
            let mut stream = drafts(url)
                .await?
                .get_draft(GetDraftRequest {
                    cycle_id: cycle,
                    version,
                    format: format as i32,
                })
                .await
                .map_err(refused)?
                .into_inner();
            let mut bytes = Vec::new();
            let mut info = None;
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.map_err(refused)?;
                if chunk.draft.is_some() {
                    info = chunk.draft;
                }
                bytes.extend(chunk.chunk);
            }
            match out {
                Some(path) => {
                    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                        std::fs::create_dir_all(dir)
                            .map_err(|e| Failure::Input(format!("{}: {e}", dir.display())))?;
                    }
                    std::fs::write(&path, &bytes)
                        .map_err(|e| Failure::Input(format!("{}: {e}", path.display())))?;
                    if let Some(info) = info {
                        println!(
                            "wrote {} ({} bytes, draft version {})",
                            path.display(),
                            bytes.len(),
                            info.version
                        );
                    }
                }
                None => {
                    use std::io::Write;
                    let _ = std::io::stdout().write_all(&bytes);
                }
            }
        }
        DraftCommand::List { cycle } => {
            let list = drafts(url)
                .await?
                .list_drafts(ListDraftsRequest {
                    cycle_id: cycle,
                    page_size: 100,
                    page_token: String::new(),
                })
                .await
                .map_err(refused)?
                .into_inner();
            match output {
                Output::Json => print_json(&list.drafts),
                Output::Text => list.drafts.iter().for_each(describe_draft),
            }
        }
    }
    Ok(())
}

fn ulid_now() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{nanos:x}-{}", std::process::id())
}
